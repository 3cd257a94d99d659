"""The finding causes electronic supervision raises (问题类型), for :mod:`zeren.findings.causes`:
the alert types that become findings (:data:`zeren.supervision.rules.FINDING_TYPES`), labelled as the alerts are."""

from __future__ import annotations

from zeren.supervision.models import AlertType
from zeren.supervision.rules import FINDING_TYPES

CAUSES = {value: label for value, label in AlertType.choices if value in FINDING_TYPES}
