"""Evaluation's own indicator source: citizen satisfaction (群众满意度) from the surveys.

Per district (a district government, and anything under it asked for by code): the satisfaction
index 0–100 of the responses submitted in the period, with the number of responses as ``n``.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Avg, Count

from zeren.evaluation.models import Response


def satisfaction_index(unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    rows = (Response.objects.filter(district__code__in=unit_codes, satisfaction__isnull=False,
                                    submitted_at__date__gte=start, submitted_at__date__lte=end)
            .values("district__code").annotate(index=Avg("satisfaction"), n=Count("id")))
    return {r["district__code"]: (float(r["index"]), float(r["n"])) for r in rows}


SOURCES = {
    "evaluation.satisfaction_index": {
        "label": "群众满意度指数", "label_en": "Citizen satisfaction index", "polarity": "higher",
        "measure": "index 0-100", "compute": satisfaction_index,
    },
}
