"""The finding causes accountability raises (问题类型), for :mod:`zeren.findings.causes`:
``accountability.<cause>`` — overdue or refused responsibility reviews, refused apologies,
substantiated complaints."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zeren.accountability.models import ComplaintCategory, FindingCause
from zeren.org.models import Unit

PREFIX = "accountability."
CAUSES = {PREFIX + value: label for value, label in FindingCause.choices}
DETAILS = {"category": _("投诉类别"), "tracking_number": _("查询编号"), "incident": _("事件编号"),
           "due": _("检讨期限"), "escalated_to": _("已报上级")}


def _category(code: Any) -> str:
    return ComplaintCategory.objects.filter(code=code).values_list("name", flat=True).first() or str(code)


def _unit(code: Any) -> str:
    return Unit.objects.filter(code=code).values_list("name", flat=True).first() or str(code)


DETAIL_VALUES = {"category": _category, "escalated_to": _unit}
