"""Rate limits for public endpoints (访问频率限制), per client IP, counted in the Django cache.

Limits are named and configured in ``settings.ZEREN_RATELIMITS`` (``{"public": "120/m"}``;
units s, m, h). Two ways to apply one:

- :func:`ratelimit` decorates a view or a django-ninja operation: ``@ratelimit("complaint")``;
- :class:`RateLimitMiddleware` applies ``settings.ZEREN_RATELIMIT_PATHS`` (``[(path prefix,
  limit name)]``, first match wins) to every request, so new public pages are covered by
  their prefix.

Over the limit the answer is ``429 Too Many Requests`` with ``Retry-After`` (seconds).
A limit of ``None`` (or a missing name) means unlimited.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
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


def hit(name: str, request: HttpRequest) -> int | None:
    """Count one anonymous request against limit ``name``; the seconds to wait if over, else ``None``.

    Signed-in users are not limited: they are accountable, and a whole office may share one IP.
    A request counts once per limit, even when the middleware and a decorator both apply it.
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
    key = f"zeren-rl:{name}:{client_ip(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        used = 1
    if used <= count:
        return None
    return max(1, int((bucket + 1) * window - now) + 1)


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
        return self.get_response(request)
