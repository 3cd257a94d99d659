"""Template context for the web shell: the five-element navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def shell(request: HttpRequest) -> dict:
    nav = []
    for url_name, label in settings.ZEREN_NAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None  # element not built yet: shown, but disabled
        nav.append({"label": label, "url": url, "active": bool(url) and request.path.startswith(url)})
    return {"zeren_nav": nav}
