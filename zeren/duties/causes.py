"""The finding causes the duties analysis raises (问题类型), for :mod:`zeren.findings.causes`:
``duties_<kind>`` for every kind of duty finding (多头管理、无人负责、疑似重复、有权无责、层级不符)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zeren.duties.models import FindingKind

PREFIX = "duties_"
CAUSES = {PREFIX + value: label for value, label in FindingKind.choices}
DETAILS = {"items": _("涉及事项"), "units": _("涉及单位"), "score": _("相似度")}
