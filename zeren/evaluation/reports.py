"""The PDF of a round's results (评估结果报告), WeasyPrint with the Noto CJK fonts."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from zeren.evaluation.models import Round


def round_context(rnd: Round) -> dict:
    results = list(rnd.results.select_related("unit").order_by("rank", "unit__code"))
    top = max((r.score or 0 for r in results), default=0) or 1
    return {"round": rnd, "system": rnd.system, "results": results, "top": top,
            "leaves": [d["name"] for d in (results[0].details if results else [])],
            "generated": timezone.localtime()}


def round_pdf(rnd: Round) -> bytes:
    from weasyprint import HTML

    html = render_to_string("evaluation/report.html", round_context(rnd))
    return HTML(string=html).write_pdf()
