"""Electronic supervision of major investment-project approvals (重大投资项目审批电子监管).

A ``Project`` groups the approval cases (办件) it needs across departments — project approval
(立项/核准/备案), land pre-examination and site selection (用地预审与选址), environmental impact
assessment (环境影响评价), the planning permit (建设工程规划许可), fire-protection design review
(消防设计审查), the construction permit (施工许可) — as ``Stage`` s, each handled by one unit and,
once the applicant has filed it, linked to the supervised ``supervision.ApprovalCase``.
``Dependency`` rows say which stage needs which other stage's approval first; they form a DAG
(checked by :func:`zeren.supervision.projects.actions.do_set_dependency`). Everything a board
shows — elapsed working days, critical path, who holds the project — is derived by
:mod:`zeren.supervision.projects.rules` from these rows and the cases' state; nothing derived is stored.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zeren.supervision.projects.rules import ProjectStatus, StageState

# Labels of the states :mod:`zeren.supervision.projects.rules` derives (they are not stored).
STAGE_STATE_LABELS = {
    StageState.WAITING: _("待前置审批"), StageState.READY: _("待申报"), StageState.HANDLING: _("办理中"),
    StageState.SUSPENDED: _("暂停计时"), StageState.APPROVED: _("已批准"), StageState.DENIED: _("不予许可"),
    StageState.WITHDRAWN: _("已撤回"),
}
PROJECT_STATUS_LABELS = {
    ProjectStatus.PREPARING: _("未启动"), ProjectStatus.IN_PROGRESS: _("审批中"), ProjectStatus.BLOCKED: _("受阻"),
    ProjectStatus.COMPLETED: _("审批完成"),
}


class Project(models.Model):
    """A major investment project (重大投资项目), identified by its national project code (项目代码)."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("项目代码"))
    name = models.CharField(max_length=200, verbose_name=_("项目名称"))
    applicant = models.CharField(max_length=200, blank=True, verbose_name=_("项目单位"))
    lead_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="led_projects",
                                  verbose_name=_("牵头单位"))
    investment = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"),
                                     verbose_name=_("总投资（万元）"))
    started_on = models.DateField(verbose_name=_("赋码日期"),
                                  help_text=_("项目赋码、开始办理审批的日期；用时从此日起按工作日计算"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-started_on", "code"]
        verbose_name = _("重大投资项目")
        verbose_name_plural = _("重大投资项目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def investment_yi(self) -> Decimal:
        """Total investment in 亿元 (100 million yuan), as boards show it."""
        return (self.investment / 10_000).quantize(Decimal("0.01"))


class Stage(models.Model):
    """One approval a project needs (审批环节), handled by ``unit``, linked to its case once filed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("项目"))
    code = models.SlugField(max_length=32, verbose_name=_("环节代码"))
    name = models.CharField(max_length=200, verbose_name=_("环节名称"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="project_stages",
                             verbose_name=_("办理单位"))
    case = models.ForeignKey("supervision.ApprovalCase", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="project_stages", verbose_name=_("办件"))
    limit_days = models.PositiveSmallIntegerField(verbose_name=_("法定时限（工作日）"))
    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("排序"))

    class Meta:
        ordering = ["project", "sort_order", "id"]
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="projects_stage_code_unique"),
            models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False),
                                    name="projects_stage_case_once"),
            models.CheckConstraint(condition=Q(limit_days__gt=0), name="projects_stage_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.name}"


class Dependency(models.Model):
    """``stage`` may only be filed once ``requires`` is approved (前置审批). Together: a DAG per project."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="requires_links",
                              verbose_name=_("后续环节"))
    requires = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="required_by_links",
                                 verbose_name=_("前置环节"))

    class Meta:
        ordering = ["stage", "requires"]
        verbose_name = _("环节依赖")
        verbose_name_plural = _("环节依赖")
        constraints = [
            models.UniqueConstraint(fields=["stage", "requires"], name="projects_dependency_unique"),
            models.CheckConstraint(condition=~Q(stage=F("requires")), name="projects_dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.requires_id} → {self.stage_id}"

    def clean(self) -> None:
        if self.stage_id and self.requires_id and self.stage.project_id != self.requires.project_id:
            raise ValidationError(_("前置环节必须属于同一项目"))
