"""This app's pages about one unit, linked from the unit's page (:func:`zeren.org.selectors.unit_links`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zeren.org.models import Unit


def links(unit: Unit, user: Any) -> list[tuple[str, str]]:
    """The unit's accountability cases (问责案件), for a signed-in user (the list checks the scope)."""
    if not user.is_authenticated:
        return []
    return [(_("问责案件"), reverse("accountability:cases") + "?" + urlencode({"unit": unit.code}))]
