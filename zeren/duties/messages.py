"""Texts the duty analysis writes into other records (a finding's 处理说明), as messages rendered in the
reader's language (zeren.core.messages)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MESSAGES = {
    "duties.analysis_cleared": _("职责分析：问题已消除"),
    "duties.analysis_recurred": _("职责分析：问题再次出现"),
    # the reason of the audit entry of the findings an analysis raises (kept as text; recognised on the audit pages)
    "duties.analysis": pgettext_lazy("审计理由", "职责分析"),
}
