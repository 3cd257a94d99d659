"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "targets.create": _("新建目标"),
    "targets.create_draft": _("新建目标草案"),
    "targets.draft_reason": _("说明目标草案的理由"),
    "targets.approve": _("批准目标"),
    "targets.report": _("报告目标进度"),
    "targets.import": _("导入目标"),
    "targets.import_reports": _("导入进度报告"),
    "targets.follow_up": _("督办逾期目标"),
    "targets.reply_notice": _("答复督办通知"),
    "targets.close_notice": _("关闭督办通知"),
    "targets.save_letter": _("保存目标责任书"),
    "targets.propose_assessments": _("提出考核建议等次"),
    "targets.change_proposed_grade": _("调整建议等次"),
    "targets.confirm_assessments": _("确认考核等次"),
    "targets.change_grade": _("更改考核等次"),
    "targets.file_appeal": _("提出考核申诉"),
    "targets.decide_appeal": _("决定考核申诉"),
    "targets.white_paper_pilots": _("设定白皮书试点单位"),
    "targets.draft_white_paper": _("起草白皮书"),
    "targets.white_paper_draft": _("白皮书退回草稿"),
    "targets.white_paper_approved": _("白皮书审核通过"),
    "targets.white_paper_published": _("白皮书公开发布"),
    "targets.white_paper_withdrawn": _("撤回白皮书"),
    "targets.demo": _("生成演示目标"),
}
