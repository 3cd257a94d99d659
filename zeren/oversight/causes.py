"""The finding causes of the oversight network (问题类型), for :mod:`zeren.findings.causes`:
referrals, overdue disclosures, overdue joint-meeting follow-ups, joint-inspection findings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zeren.oversight.models import FindingCause, ReferralType

CAUSES = dict(FindingCause.choices)
DETAILS = {"number": _("移送编号"), "type": _("移送类型"), "due_on": _("公开期限")}
DETAIL_VALUES = {"type": dict(ReferralType.choices)}
