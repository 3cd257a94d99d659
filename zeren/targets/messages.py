"""Texts targets writes into other records (a finding's 处理说明), as messages rendered in the reader's
language (zeren.core.messages)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "targets.completed": _("目标已于 %(day)s 完成"),
    "targets.escalated_notice_answered": _("升级后的督办通知已答复"),
    "targets.grade_changed_on_review": _("复核变更：%(decision)s"),  # the decision as the reviewer wrote it
}
