"""The finding causes of the oversight network (问题类型), for :mod:`zeren.findings.causes`:
referrals, overdue disclosures, overdue joint-meeting follow-ups, joint-inspection findings."""

from __future__ import annotations

from zeren.oversight.models import FindingCause

CAUSES = dict(FindingCause.choices)
