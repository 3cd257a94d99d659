"""Texts accountability writes into other records (a finding's 处理说明), as messages rendered in the
reader's language (zeren.core.messages)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MESSAGES = {
    "accountability.review_submitted": _("检讨已于 %(day)s 提交"),
    "accountability.apology_published": _("已于 %(day)s 公开道歉"),
    "accountability.case_opened": _("立案问责 %(case)s"),
    "accountability.accepted": pgettext_lazy("处理说明", "受理"),  # the button is 受理 (Accept)
    "accountability.case_decided": _("问责决定 %(case)s：%(sanction)s"),
    "accountability.commended": _("予以表彰"),
    "accountability.not_commended": _("不予表彰"),
    # reasons of audit entries only (kept as text; the audit pages recognise them, zeren.core.messages.recognise)
    "accountability.review_escalated": _("逾期未检讨（期限 %(due)s）"),
    "accountability.filed_late": _("逾期备案"),
    "accountability.complaint_rejected": _("不予受理"),
}
