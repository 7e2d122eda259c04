"""Rate limits for pages anyone may open, counted in the shared cache, and the client
address they are counted per.

The cache is Redis when `FUPIN_REDIS_URL` is set and the database otherwise
(docs/settings.md), so every web worker sees the same counts. Counts live in fixed windows
(the window's number is part of the key), which makes an expired or evicted key harmless.
"""

import hashlib
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.functional import Promise

from fupin.core.errors import NotFoundError

T = TypeVar("T")


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES
    )


def client_address(request: HttpRequest) -> str:
    """The address of the person behind the request.

    REMOTE_ADDR, unless a trusted proxy header is configured and the request came from a
    trusted proxy: then the right-most address in that header that is not itself a trusted
    proxy (anything to its left was written by the client and may be forged).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    header: str | None = settings.TRUSTED_PROXY_HEADER
    if not header or not _is_trusted_proxy(remote):
        return remote
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    forwarded = [part.strip() for part in str(request.META.get(meta_key, "")).split(",")]
    for candidate in reversed([part for part in forwarded if part]):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return remote
        if not _is_trusted_proxy(candidate):
            return candidate
    return remote


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` counted attempts per subject in each window of `window_seconds`."""

    name: str
    limit: int
    window_seconds: int

    def _key(self, subject: str) -> tuple[str, int]:
        now = time.time()
        window = int(now // self.window_seconds)
        # Hashed: keys stay short and free of user-typed characters, and the cache holds no
        # addresses or receipt numbers in the clear.
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        remaining = int((window + 1) * self.window_seconds - now) + 1
        return f"ratelimit:{self.name}:{digest}:{window}", remaining

    def count(self, subject: str, *, cache: BaseCache | None = None) -> int:
        """Attempts counted for the subject in the current window."""
        key, _remaining = self._key(subject)
        return int((cache or caches["default"]).get(key, 0))

    def is_exhausted(self, subject: str, *, cache: BaseCache | None = None) -> bool:
        """True when the subject may not try again in this window."""
        return self.count(subject, cache=cache) >= self.limit

    def hit(self, subject: str, *, cache: BaseCache | None = None) -> bool:
        """Count one attempt; True when it goes over the limit."""
        store = cache or caches["default"]
        key, remaining = self._key(subject)
        if store.add(key, 1, remaining):
            return self.limit < 1
        try:
            count = store.incr(key)
        except ValueError:
            store.add(key, 1, remaining)
            return self.limit < 1
        # The database cache's incr() writes the value back with the default timeout;
        # keep the key for the rest of its window.
        store.touch(key, remaining)
        return count > self.limit


@dataclass(frozen=True)
class LookupResult(Generic[T]):
    found: T | None
    error: str | None
    status: int


@dataclass(frozen=True)
class GuardedLookup:
    """A public lookup by a number and a secret part (a receipt and the last four digits of
    an ID number or phone): failed tries are counted per number and per address, so nobody
    can guess their way through either. Both public receipt pages use it."""

    per_number: RateLimit
    per_address: RateLimit
    too_many_message: str | Promise

    def run(self, request: HttpRequest, number: str, lookup: Callable[[], T]) -> LookupResult[T]:
        address = client_address(request)
        if self.per_number.is_exhausted(number) or self.per_address.is_exhausted(address):
            return LookupResult(None, str(self.too_many_message), 429)
        try:
            return LookupResult(lookup(), None, 200)
        except NotFoundError as error:
            self.per_number.hit(number)
            self.per_address.hit(address)
            return LookupResult(None, error.message, 404)
