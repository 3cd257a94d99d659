"""Labels of the audit actions this app writes (zeren.audit.labels reads ``ACTIONS``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "projects.create_project": _("新建投资项目"),
    "projects.add_stage": _("添加项目阶段"),
    "projects.link_case": _("关联审批办件"),
    "projects.set_dependency": _("设置前置依赖"),
    "projects.remove_dependency": _("删除前置依赖"),
}
