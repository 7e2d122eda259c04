"""Rate limits counted in a shared cache (two workers see one count), and the client
address taken from a proxy header only when that proxy is configured and trusted."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from fupin.core.ratelimit import RateLimit, client_address

REDIS_URL = os.environ.get("FUPIN_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_workers() -> Iterator[tuple[BaseCache, BaseCache]]:
    """Two cache clients on the machine's Redis, as two web workers would hold, under a
    key prefix of this test's own that is removed afterwards."""
    prefix = f"fupin-test-{uuid.uuid4().hex}"
    workers = (
        RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}),
        RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}),
    )
    yield workers
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def database_workers(db: None) -> tuple[BaseCache, BaseCache]:
    return (
        DatabaseCache(settings.CACHE_TABLE, {}),
        DatabaseCache(settings.CACHE_TABLE, {}),
    )


def _shared_limit_holds(workers: tuple[BaseCache, BaseCache]) -> None:
    limit = RateLimit("test", 4, 3600)
    first, second = workers
    over = [limit.hit("203.0.113.7", cache=(first, second)[attempt % 2]) for attempt in range(6)]
    assert over == [False, False, False, False, True, True]
    assert limit.count("203.0.113.7", cache=first) == 6
    assert limit.is_exhausted("203.0.113.7", cache=second)
    assert not limit.is_exhausted("203.0.113.8", cache=second)


def test_a_limit_is_shared_by_two_workers_on_redis(
    redis_workers: tuple[BaseCache, BaseCache],
) -> None:
    _shared_limit_holds(redis_workers)


def test_a_limit_is_shared_by_two_workers_on_the_database_cache(
    database_workers: tuple[BaseCache, BaseCache],
) -> None:
    _shared_limit_holds(database_workers)


def test_a_count_outlives_the_default_cache_timeout(
    database_workers: tuple[BaseCache, BaseCache],
) -> None:
    with time_machine.travel(datetime(2025, 11, 10, 8, 0, 5, tzinfo=UTC), tick=False):
        _count_outlives_default_timeout(database_workers)


def _count_outlives_default_timeout(database_workers: tuple[BaseCache, BaseCache]) -> None:
    # given a cache whose default timeout is far shorter than the limit's window, early in
    # a window
    worker, _other = database_workers
    worker.default_timeout = 1
    limit = RateLimit("test", 1, 3600)
    # when the count is raised (the database cache's incr() rewrites the row)
    limit.hit("203.0.113.7", cache=worker)
    limit.hit("203.0.113.7", cache=worker)
    # then the row still expires at the end of the window, not after the default timeout
    key, _remaining = limit._key("203.0.113.7")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {settings.CACHE_TABLE} WHERE cache_key = %s",  # noqa: S608
            [worker.make_key(key)],
        )
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):
        expires = datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)
    assert expires > timezone.now() + timedelta(minutes=50)


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_the_proxy_header_is_ignored_unless_configured() -> None:
    request = _request("127.0.0.1", "198.51.100.9")
    with override_settings(TRUSTED_PROXY_HEADER=None):
        assert client_address(request) == "127.0.0.1"


@override_settings(TRUSTED_PROXY_HEADER="X-Forwarded-For", TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.2", "198.51.100.9", "198.51.100.9"),
        # The client may write anything to the left; the trusted proxy appends the truth.
        ("10.0.0.2", "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        ("10.0.0.2", "198.51.100.9, 10.0.0.3", "198.51.100.9"),
        # A request that does not come from a trusted proxy cannot choose its address.
        ("203.0.113.5", "198.51.100.9", "203.0.113.5"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.2"),
    ],
)
def test_the_proxy_header_is_honoured_only_from_trusted_proxies(
    remote: str, forwarded: str | None, expected: str
) -> None:
    assert client_address(_request(remote, forwarded)) == expected
