"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "evaluation.import_system": _("导入指标体系"),
    "evaluation.create_programme": _("新建专项"),
    "evaluation.create_round": _("新建评估轮次"),
    "evaluation.collect_values": _("采集指标值"),
    "evaluation.import_values": _("导入指标值"),
    "evaluation.score_round": _("计分"),
    "evaluation.submit_round": _("提交审核"),
    "evaluation.return_round": _("退回评估轮次"),
    "evaluation.approve_round": _("批准评估结果"),
    "evaluation.publish_round": _("发布评估结果"),
    "evaluation.supersede_round": _("更正评估结果"),
    "evaluation.generate_proposals": _("生成校准建议"),
    "evaluation.decide_proposal": _("决定校准建议"),
    "evaluation.create_survey": _("新建满意度调查"),
    "evaluation.issue_invitations": _("发放调查邀请"),
    "evaluation.submit_response": _("提交调查答卷"),
    "evaluation.record_responses": _("录入调查答卷"),
}

# The AHP judgement matrices an indicator system records (``ahp``: one per parent indicator).
FIELDS = {("evaluation.indicatorsystem", "consistency_ratio"): _("一致性比率"),
          ("evaluation.indicatorsystem", "elements"): _("比较的指标"),
          ("evaluation.indicatorsystem", "matrix"): _("判断矩阵"),
          ("evaluation.survey", "district"): _("所在区"), ("evaluation.survey", "responses"): _("答卷数")}
