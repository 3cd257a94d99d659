"""Reasons oversight writes on the audit entries of the findings its checks raise, declared as messages
(zeren.core.messages) so that the audit pages show them in the reader's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "oversight.disclosure_check": _("信息公开清单检查（截至 %(day)s）"),
    "oversight.meeting_check": _("联席会议议定事项逾期检查（%(day)s）"),
}
