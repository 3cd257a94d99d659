"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "oversight.register_body": _("登记监督主体"),
    "oversight.add_requirement": _("新增公开要求"),
    "oversight.create_publication": _("起草公开信息"),
    "oversight.approved_publication": _("审核公开信息"),
    "oversight.published_publication": _("公开信息"),
    "oversight.withdrawn_publication": _("撤回公开信息"),
    "oversight.return_publication": _("退回公开信息"),
    "oversight.import_batch": _("导入公开信息"),
    "oversight.register_referral": _("登记移送"),
    "oversight.refer_case": _("移送案件"),
    "oversight.report_referral": _("报告移送办理结果"),
    "oversight.add_referral_note": _("添加移送备注"),
    "oversight.hold_meeting": _("召开联席会议"),
    "oversight.add_meeting_task": _("布置会议任务"),
    "oversight.complete_meeting_task": _("完成会议任务"),
    "oversight.escalate_meeting_tasks": _("会议任务逾期提级"),
    "oversight.plan_inspection": _("安排联合检查"),
    "oversight.record_inspection_issue": _("记录检查发现的问题"),
    "oversight.report_rectification": _("报告整改情况"),
    "oversight.accept_rectification": _("验收整改"),
    "oversight.close_inspection": _("结束联合检查"),
    "oversight.record_external_evaluation": _("记录外部评议"),
    "oversight.record_rule_adoption": _("记录制度采纳"),
}
