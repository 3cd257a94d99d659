"""Texts supervision writes into other records (a finding's 处理说明 when its alert is closed, reopened or
cleared by a scan), as messages rendered in the reader's language (zeren.core.messages). The alert type
and status are stored as codes and labelled when shown."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zeren.supervision.models import AlertStatus, AlertType


def _type(code: str) -> str:
    return str(dict(AlertType.choices)[code])


def _status(code: str) -> str:
    return str(dict(AlertStatus.choices)[code])


def _scan(p: dict[str, Any]) -> str:
    why = _("不再成立，预警已由扫描消除") if p["outcome"] == "resolved" else _("再次成立，预警已由扫描重新提示")
    return _("电子监察扫描（%(day)s）：%(type)s%(why)s") % {"day": p["day"], "type": _type(p["type"]), "why": why}


def _alert(p: dict[str, Any]) -> str:
    return _("%(type)s%(status)s（%(how)s）：%(note)s") % {
        "type": _type(p["type"]), "status": _status(p["status"]), "how": _status(p["how"]), "note": p["note"]}


MESSAGES = {
    "supervision.scan_moved": _scan,  # day, type (AlertType), outcome (resolved / reopened)
    "supervision.alert_moved": _alert,  # type, status and how (AlertStatus: what it was before), note (the user's)
    # reasons of audit entries only (kept as text; the audit pages recognise them, zeren.core.messages.recognise)
    "supervision.scan": gettext_lazy("电子监察扫描（%(day)s）"),
    "supervision.items_imported": gettext_lazy("导入审批事项：%(source)s"),
}
