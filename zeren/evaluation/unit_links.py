"""This app's pages about one unit, linked from the unit's page (:func:`zeren.org.selectors.unit_links`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zeren.org.models import Unit


def links(unit: Unit, user: Any) -> list[tuple[str, str]]:
    """The unit's latest published evaluation result (绩效评估结果): public, as published results are."""
    from zeren.evaluation.models import FROZEN, Result

    result = (Result.objects.filter(unit=unit, round__status__in=FROZEN).select_related("round")
              .order_by("-round__published_at", "-round__pk").first())
    if result is None:
        return []
    return [(_("绩效评估结果：%(round)s") % {"round": result.round.name},
             reverse("evaluation:unit", args=[result.round.pk, unit.code]))]
