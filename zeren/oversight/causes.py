"""The finding causes of the oversight network (问题类型), for :mod:`zeren.findings.causes`:
referrals, overdue disclosures, overdue joint-meeting follow-ups, joint-inspection findings."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zeren.org.models import Unit
from zeren.oversight.models import FindingCause, ReferralType

CAUSES = dict(FindingCause.choices)
DETAILS = {"number": _("移送编号"), "type": _("移送类型"), "due_on": _("公开期限"), "from": _("移送机关")}


def _unit(code: Any) -> str:
    unit = Unit.objects.filter(code=code).first()
    return unit.display_name if unit else str(code)


DETAIL_VALUES = {"type": dict(ReferralType.choices), "from": _unit}
# Finding titles as messages (zeren.findings.causes.titled): rendered in the reader's language.
TITLES = {
    FindingCause.DISCLOSURE_OVERDUE.value: _("%(unit)s：%(title)s 逾期未公开（期限 %(due)s）"),
    FindingCause.REFERRAL.value: _("%(body)s移送：%(title)s"),
    FindingCause.MEETING_TASK_OVERDUE.value: _("联席会议议定事项逾期：%(decision)s"),
}
