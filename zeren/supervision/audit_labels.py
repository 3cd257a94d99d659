"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS`` and ``VALUES``)."""

from django.utils.translation import gettext_lazy as _

from zeren.supervision.models import STEP_LABELS

ACTIONS = {
    "supervision.create_source": _("登记业务系统"),
    "supervision.ingest_batch": _("接收办件数据"),
    "supervision.load_item": _("载入审批事项"),
    "supervision.refold_cases": _("重新计算办件"),
    "supervision.scan": _("电子监察扫描"),
    "supervision.alert_open": _("重新打开告警"),
    "supervision.alert_acknowledged": _("签收告警"),
    "supervision.alert_explained": _("说明告警"),
    "supervision.alert_corrected": _("纠正告警"),
    "supervision.alert_closed": _("办结告警"),
}
VALUES = {("supervision.approvalitem", "required_steps"): STEP_LABELS, ("supervision.approvalitem", "step_limits"): STEP_LABELS,
          ("supervision.approvalcase", "completed_steps"): STEP_LABELS}
