"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS`` and ``VALUES``)."""

from django.utils.translation import gettext_lazy as _

from zeren.accountability.rules import AGGRAVATING, MITIGATING

ACTIONS = {
    "accountability.submit_complaint": _("提交投诉"),
    "accountability.accept_complaint": _("受理投诉"),
    "accountability.reject_complaint": _("不予受理投诉"),
    "accountability.note_complaint": _("记录办理情况"),
    "accountability.conclude_complaint": _("作出调查结论"),
    "accountability.reply_complaint": _("答复投诉人"),
    "accountability.close_complaint": _("办结投诉"),
    "accountability.reopen_complaint": _("重新办理投诉"),
    "accountability.appeal_complaint": _("申请复查投诉"),
    "accountability.open_case": _("启动问责"),
    "accountability.file_case": _("立案"),
    "accountability.record_statement": _("记录陈述申辩"),
    "accountability.decide_case": _("作出问责决定"),
    "accountability.appeal_case": _("申请复核"),
    "accountability.decide_case_appeal": _("作出复核决定"),
    "accountability.close_case": _("结案"),
    "accountability.register_incident": _("登记重大事件"),
    "accountability.submit_review": _("提交责任检讨"),
    "accountability.escalate_review": _("责任检讨逾期提级"),
    "accountability.record_refusal": _("记录拒不检讨或拒不道歉"),
    "accountability.publish_apology": _("发布失职道歉"),
    "accountability.propose_commendation": _("提出表彰建议"),
    "accountability.decide_commendation": _("决定表彰"),
    "accountability.seed_ladder": _("设定问责处理等级"),
    "accountability.create_open311_key": _("创建 Open311 接口密钥"),
}
VALUES = {("accountability.faultcase", "aggravating"): AGGRAVATING, ("accountability.faultcase", "mitigating"): MITIGATING}
FIELDS = {("accountability.sanctionlevel", "rungs"): _("档次数")}
