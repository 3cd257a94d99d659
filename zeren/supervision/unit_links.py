"""This app's pages about one unit, linked from the unit's page (:func:`zeren.org.selectors.unit_links`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zeren.org.models import Unit


def links(unit: Unit, user: Any) -> list[tuple[str, str]]:
    """The unit's e-supervision alerts (电子监察告警), for a signed-in user (the board checks the scope)."""
    if not user.is_authenticated:
        return []
    return [(_("电子监察告警"), reverse("supervision:index") + "?" + urlencode({"unit": unit.code}))]
