"""This app's pages about one unit, linked from the unit's page (:func:`zeren.org.selectors.unit_links`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from zeren.org.models import Unit


def links(unit: Unit, user: Any) -> list[tuple[str, str]]:
    """The unit's duties (权责事项): public, as the catalogue is."""
    return [(_("权责事项"), reverse("duties:index") + "?" + urlencode({"unit": unit.code}))]
