"""Liveness (`/healthz`) and readiness (`/readyz`) probes for a load balancer or nginx.

They are answered by a middleware placed first, before host validation, the HTTPS redirect,
sessions and scope: a probe comes from the proxy or an orchestrator by IP address over plain
HTTP, without a session, and must not create one. The answers are fixed JSON documents that
say only "ok" or "unavailable"; what failed goes to the server log, never to the caller.
"""

import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("fupin.health")

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
_CACHE_KEY = "fupin:readyz"

# Once every migration is applied it stays applied for this process's life (a deployment
# that adds migrations starts new processes), so the migration graph is loaded only until then.
_migrations_applied = False


def _database_reachable() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_reachable() -> None:
    cache.set(_CACHE_KEY, "1", 10)
    if cache.get(_CACHE_KEY) != "1":
        raise RuntimeError("the cache did not return the value just stored")


def _migrations_pending() -> bool:
    global _migrations_applied  # noqa: PLW0603 (a per-process memo; see above)
    if _migrations_applied:
        return False
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = not pending
    return pending


def readiness_problem() -> str | None:
    """Return why this process cannot serve requests (database, migrations, cache), or None.

    Migrations come before the cache: the database cache's table is created by migrate.
    """
    try:
        _database_reachable()
    except Exception:
        logger.exception("readiness: database unreachable")
        return "database"
    try:
        if _migrations_pending():
            logger.error("readiness: migrations not applied")
            return "migrations"
    except Exception:
        logger.exception("readiness: migration state unreadable")
        return "migrations"
    try:
        _cache_reachable()
    except Exception:
        logger.exception("readiness: cache unreachable")
        return "cache"
    return None


def _answer(*, ok: bool) -> HttpResponse:
    body = json.dumps({"status": "ok" if ok else "unavailable"})
    response = HttpResponse(body, status=200 if ok else 503, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer the two probe paths before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVENESS_PATH:
            return _answer(ok=True)
        if request.path == READINESS_PATH:
            return _answer(ok=readiness_problem() is None)
        return self.get_response(request)
