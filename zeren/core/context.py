"""Template context for the web shell: the five-element navigation and the auxiliary links."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None  # app not built yet


def shell(request: HttpRequest) -> dict:
    signed_in = request.user.is_authenticated
    nav = []
    for url_name, label, public_name in settings.ZEREN_NAV:
        url = _url(url_name if signed_in else public_name)  # an element not built yet is shown, but disabled
        nav.append({"label": label, "url": url, "active": bool(url) and request.path.startswith(url)})
    aux = [
        {"label": label, "url": url, "badge": _url(badge[0]) if badge else None,
         "active": request.path.startswith(url) and url != "/"}
        for name, label, public, *badge in settings.ZEREN_AUX_NAV
        if (public or signed_in) and (url := _url(name))
    ]
    return {"zeren_nav": nav, "zeren_aux_nav": aux}
