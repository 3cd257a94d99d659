"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "findings.raise": _("登记问题线索"),
    "findings.raise_batch": _("批量登记问题线索"),
    "findings.set_status": _("变更问题线索状态"),
    "findings.follow_resolved": _("来源问题已纠正，线索办结"),
    "findings.follow_dismissed": _("来源问题已撤销，线索不予采纳"),
    "findings.follow_reopened": _("来源问题再次出现，线索重新打开"),
}
