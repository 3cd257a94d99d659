"""This app's pages about one unit, linked from the unit's page (:func:`zeren.org.selectors.unit_links`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zeren.org.models import Unit


def links(unit: Unit, user: Any) -> list[tuple[str, str]]:
    """The unit's targets (目标), for a signed-in user (the pages check the scope)."""
    if not user.is_authenticated:
        return []
    return [(_("目标"), reverse("targets:index") + "?" + urlencode({"unit": unit.code}))]
