"""Department responsibility white papers (部门责任白皮书): what goes in one, and its PDF.

For a unit and year: the unit's duties from the catalogue in force that year (权责清单), its tasks
and targets with their schedule, and last year's completion (the final status and progress of each
target, with the latest report as evidence). The PDF is made by WeasyPrint with Debian's
``fonts-noto-cjk``; without them it refuses with a message saying what to install.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from zeren.org.models import Unit
from zeren.targets import rules
from zeren.targets.models import ProgressReport, Target, TargetState

MAX_DUTIES = 300


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the CJK fonts are missing; the message says what to install."""


def content_for(unit: Unit, year: int, as_of: date | None = None) -> dict[str, Any]:
    """The white paper's content, as plain JSON-able data (frozen into ``WhitePaper.content``)."""
    from zeren.duties.selectors import versions_as_of
    from zeren.targets.selectors import statuses

    duties = [{"code": v.code, "name": v.name, "category": v.get_category_display()}
              for v in versions_as_of(date(year, 1, 1)).filter(unit_codes__contains=f"|{unit.code}|")
              .order_by("code")[:MAX_DUTIES]]
    current = Target.objects.filter(unit=unit, year=year, state=TargetState.ACTIVE).select_related("leader")
    tasks = [{"code": t.code, "title": t.title, "source": t.get_source_display(), "start": t.start.isoformat(),
              "deadline": t.deadline.isoformat(), "leader": t.leader.name if t.leader else "",
              "indicator": _indicator(t),
              "milestones": [{"title": m.title, "due": m.due.isoformat()} for m in t.milestones.all()]}
             for t in current.prefetch_related("milestones")]
    previous = Target.objects.filter(unit=unit, year=year - 1, state=TargetState.ACTIVE)
    year_end = min(date(year - 1, 12, 31), as_of or timezone.localdate())
    computed = statuses(previous, year_end) if previous.exists() else {}
    evidence = {}
    for r in ProgressReport.objects.filter(target__in=previous, superseded_by__isnull=True, date__lte=year_end).order_by("date", "id"):
        evidence[r.target_id] = f"{r.date.isoformat()} {r.note or (r.value if r.value is not None else '')}".strip()
    completion = [{"code": t.code, "title": t.title, "status": rules.STATUS_LABELS[computed[t.pk].status],
                   "progress": round(computed[t.pk].progress * 100, 1), "evidence": evidence.get(t.pk, "")}
                  for t in previous if t.pk in computed]
    done = sum(1 for c in completion if c["status"] == rules.STATUS_LABELS[rules.COMPLETED])
    return {"unit": {"code": unit.code, "name": unit.name}, "year": year, "duties": duties, "tasks": tasks,
            "completion": completion, "completed": done, "as_of": year_end.isoformat()}


def _indicator(t: Target) -> str:
    if not t.is_quantitative:
        return "定性"
    return f"{_num(t.baseline)} → {_num(t.target_value)} {t.measure}".strip()


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def render_html(content: dict[str, Any]) -> str:
    return render_to_string("targets/white_paper_print.html", {"paper": content})


def check_pdf_support() -> None:
    """Refuse early, naming what to install, when WeasyPrint or a CJK font is missing."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"WeasyPrint 不可用（{exc}）：请安装 Pango/HarfBuzz（scripts/install-test-deps）") from None
    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout if fc_list else ""
    if "Noto" not in fonts:
        raise PdfUnavailable("缺少中文字体：请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）")


def render_pdf(content: dict[str, Any]) -> bytes:
    """The white paper as PDF (A4, Noto CJK)."""
    check_pdf_support()
    from weasyprint import HTML

    return HTML(string=render_html(content)).write_pdf()
