"""The finding causes the duties analysis raises (问题类型), for :mod:`zeren.findings.causes`:
``duties_<kind>`` for every kind of duty finding (多头管理、无人负责、疑似重复、有权无责、层级不符)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zeren.duties.models import FindingKind
from zeren.org.models import english_ui

PREFIX = "duties_"
CAUSES = {PREFIX + value: label for value, label in FindingKind.choices}
DETAILS = {"items": _("涉及事项"), "units": _("涉及单位"), "score": _("相似度")}
MISSING = {"matters": _("责任事项"), "situations": _("追责情形")}


def _missing(params: dict[str, Any]) -> str:
    lacking = (", " if english_ui() else "、").join(str(MISSING[m]) for m in params["missing"])
    return _("%(item)s：缺少%(missing)s") % {"item": params["item"], "missing": lacking}


# The analysis's summaries as messages (zeren.findings.causes.titled): the duty findings' and the shared
# findings' titles, rendered in the reader's language.
TITLES = {
    "duties.lead_units": _("%(item)s：%(n)s 个牵头单位"),
    "duties.no_lead": _("%(item)s：没有牵头单位"),
    "duties.unit_without_items": _("%(unit)s：有法定职责但清单中没有事项"),
    "duties.no_responsibility": _missing,
    "duties.level_mismatch": _("%(item)s：%(message)s"),
    "duties.several_units": _("%(basis)s%(item)s（等 %(n)s 项）由 %(units)s 个单位分别实施"),
    "duties.alike_many": _("%(item)s ≈ %(other)s（等 %(n)s 项）"),
    "duties.alike": "%(item)s ≈ %(other)s",
}
