"""Request middleware of the web shell.

- Language: Simplified Chinese unless the user chose otherwise with the switch. Django's
  LocaleMiddleware follows the browser's Accept-Language, so an English-language browser would
  get an English government system by default. zeren's rule: zh-Hans is the default; the
  language switch (cookie) is the only way to change it.
- NUL characters: no text field anywhere in zeren may hold U+0000 (PostgreSQL refuses it in a
  string literal), so a request carrying one in its path, query or form is a client error.
- Content-Security-Policy: every response carries ``settings.ZEREN_CSP`` with a fresh nonce; an
  inline ``<script>`` runs only with ``nonce="{{ request.csp_nonce }}"`` (docs/trust.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()  # a worker thread must not carry one user's language to the next
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and request.content_type != "application/json" and _has_nul(request.POST)
        ):
            return HttpResponseBadRequest("400 Bad Request: NUL character in the request / 请求中含有空字符\n",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(params: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


class ContentSecurityPolicyMiddleware:
    """The site loads nothing from elsewhere: scripts from itself, inline ones only with this response's
    nonce (so an injected ``<script>`` does not run); see ``settings.ZEREN_CSP`` for the whole policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        policy = getattr(settings, "ZEREN_CSP", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy.format(nonce=request.csp_nonce))
        return response
