"""The finding causes electronic supervision raises (问题类型), for :mod:`zeren.findings.causes`:
the alert types that become findings (:data:`zeren.supervision.rules.FINDING_TYPES`), labelled as the alerts are."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zeren.supervision.models import AlertType
from zeren.supervision.rules import FINDING_TYPES

CAUSES = {value: label for value, label in AlertType.choices if value in FINDING_TYPES}
DETAILS = {"item_code": _("审批事项编码"), "statutory_deadline": _("法定期限")}
# Finding titles as messages (zeren.findings.causes.titled): the alert's label, the item's name and the case.
ALERT_TITLE = "supervision.alert"
TITLES = {ALERT_TITLE: lambda p: _("%(alert)s：%(item)s %(case)s") % {**p, "alert": AlertType(p["type"]).label}}
