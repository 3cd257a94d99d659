"""Rate limits for public endpoints (访问频率限制), per client IP, counted in the cache all workers share.

Limits are named and configured in ``settings.ZEREN_RATELIMITS`` (``{"public": "120/m"}``;
units s, m, h). Two ways to apply one:

- :func:`ratelimit` decorates a view or a django-ninja operation: ``@ratelimit("complaint")``;
- :class:`RateLimitMiddleware` applies ``settings.ZEREN_RATELIMIT_PATHS`` (``[(path prefix,
  limit name)]``, first match wins) to every request, so new public pages are covered by
  their prefix.

Log-in forms (``settings.ZEREN_LOGIN_PATHS``: ``/login/`` and ``/admin/login/``) are limited per IP
by their path and, for each POST, per username as well (:func:`hit_login`).

Over the limit the answer is ``429 Too Many Requests`` with ``Retry-After`` (seconds).
A limit of ``None`` (or a missing name) means unlimited.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse

UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/m"`` → ``(120, 60)``: requests per window of seconds."""
    count, _, unit = rate.partition("/")
    return int(count), UNITS[unit.strip() or "s"]


def client_ip(request: HttpRequest) -> str:
    """The client address; behind a proxy, the last hop it appended to X-Forwarded-For when trusted."""
    if getattr(settings, "ZEREN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(name: str, request: HttpRequest, who: str | None = None) -> int | None:
    """Count one anonymous request against limit ``name``; the seconds to wait if over, else ``None``.

    ``who`` is what the limit counts per: the client address by default. Signed-in users are not
    limited: they are accountable, and a whole office may share one IP. A request counts once per
    limit, even when the middleware and a decorator both apply it. The counters live in the cache
    every worker shares (``settings.CACHES``: the database, or Redis), so N workers do not each
    allow the whole limit.
    """
    rate = getattr(settings, "ZEREN_RATELIMITS", {}).get(name)
    user = getattr(request, "user", None)
    if not rate or (user is not None and user.is_authenticated):
        return None
    counted = request.__dict__.setdefault("_zeren_ratelimits_counted", set())
    if name in counted:
        return None
    counted.add(name)
    count, window = parse_rate(rate)
    now = time.time()
    bucket = int(now // window)
    key = f"zeren-rl:{name}:{who or client_ip(request)}:{bucket}"
    with _one_at_a_time(key):
        cache.add(key, 0, timeout=window + 1)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            used = 1
    if used <= count:
        return None
    return max(1, int((bucket + 1) * window - now) + 1)


@contextmanager
def _one_at_a_time(key: str) -> Iterator[None]:
    """Make the cache's increment atomic across workers where the backend's is not.

    Redis increments atomically. Django's database cache reads and then writes, so workers racing
    on one counter lose increments (two forked workers lost a third of them in a test): there the
    read and the write run in one transaction that holds a lock — on SQLite the write lock its
    ``IMMEDIATE`` transactions take at BEGIN, on PostgreSQL an advisory lock on the key.
    """
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        yield
        return
    alias = router.db_for_write(backend.cache_model_class)
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            lock = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        yield


def hit_login(request: HttpRequest) -> int | None:
    """A log-in attempt also counts per username (limit ``login_username``), so guessing one account's
    password from many addresses is limited too. The username is hashed: keys never hold it."""
    username = request.POST.get("username", "").strip().casefold()
    if not username:
        return None
    return hit("login_username", request, "user-" + hashlib.sha256(username.encode("utf-8")).hexdigest()[:32])


def too_many(retry_after: int) -> HttpResponse:
    response = HttpResponse("429 Too Many Requests / 请求过于频繁，请稍后再试\n", status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(name: str) -> Callable:
    """Decorate a view (or a ninja operation taking ``request`` first) with limit ``name``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            wait = hit(name, request)
            return too_many(wait) if wait else view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitMiddleware:
    """Applies ``settings.ZEREN_RATELIMIT_PATHS`` to every request by path prefix."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for prefix, name in getattr(settings, "ZEREN_RATELIMIT_PATHS", []):
            if request.path.startswith(prefix):
                wait = hit(name, request)
                if wait:
                    return too_many(wait)
                break
        if request.method == "POST" and request.path in getattr(settings, "ZEREN_LOGIN_PATHS", []):
            wait = hit_login(request)
            if wait:
                return too_many(wait)
        return self.get_response(request)
