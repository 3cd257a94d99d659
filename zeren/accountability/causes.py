"""The finding causes accountability raises (问题类型), for :mod:`zeren.findings.causes`:
``accountability.<cause>`` — overdue or refused responsibility reviews, refused apologies,
substantiated complaints."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zeren.accountability.models import ComplaintCategory, Conclusion, FindingCause, Refusal
from zeren.org.models import Unit

PREFIX = "accountability."
CAUSES = {PREFIX + value: label for value, label in FindingCause.choices}
DETAILS = {"category": _("投诉类别"), "tracking_number": _("查询编号"), "incident": _("事件编号"),
           "due": _("检讨期限"), "escalated_to": _("已报上级"), "measure": _("处理措施")}
# The measure a refusal draws (行政问责 rules: 通报批评), stored as its Chinese name.
MEASURES = {"通报批评": _("通报批评")}


def _category(code: Any) -> str:
    category = ComplaintCategory.objects.filter(code=code).first()
    return category.display_name if category else str(code)


def _unit(code: Any) -> str:
    unit = Unit.objects.filter(code=code).first()
    return unit.display_name if unit else str(code)


DETAIL_VALUES = {"category": _category, "escalated_to": _unit, "measure": MEASURES}

# Finding titles as messages (zeren.findings.causes.titled): rendered in the reader's language.
TITLES = {
    PREFIX + "refusal": lambda p: _("%(refusal)s：%(incident)s（%(unit)s）") % {**p, "refusal": Refusal(p["what"]).label},
    PREFIX + "review_overdue": _("逾期未完成责任检讨：%(incident)s（%(unit)s）"),
    PREFIX + "complaint": lambda p: _("%(conclusion)s：%(category)s（%(unit)s）") % {
        **p, "conclusion": Conclusion(p["conclusion"]).label},
}
