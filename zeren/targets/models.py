"""Targets (目标管理): responsibility letters, targets decomposed down the tree, progress, follow-up.

Each year the city's major decisions, key tasks and major projects are written into target
responsibility letters (目标管理责任书) signed by every unit and decomposed to departments,
district governments, divisions, leaders and staff. A ``Target`` carries its indicator
(quantitative: baseline → target value; qualitative: milestones). Its status is never stored:
:mod:`zeren.targets.rules` computes it for any as-of date from the ``ProgressReport`` rows, which
are never edited, only superseded. The supervision office follows up (督办) with ``Notice`` s;
departments publish a ``WhitePaper`` (部门责任白皮书); non-leading civil servants get a yearly
``Assessment`` (公务员年度考核) that they may appeal (``Appeal``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zeren.core import messages


class Source(models.TextChoices):
    """Where a target comes from (目标来源)."""

    MAJOR_DECISION = "major_decision", _("重大决策")
    KEY_TASK = "key_task", _("重点工作")
    MAJOR_PROJECT = "major_project", _("重大项目")
    ROUTINE_DUTY = "routine_duty", _("日常职责")
    LIVELIHOOD_PROJECT = "livelihood_project", _("民生实事")


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("定量")
    QUALITATIVE = "qualitative", _("定性")


class TargetState(models.TextChoices):
    """The target's record state (not its progress status, which is computed)."""

    DRAFT = "draft", _("草案（待审批）")
    ACTIVE = "active", _("生效")
    WITHDRAWN = "withdrawn", _("已撤销")


class Letter(models.Model):
    """A target responsibility letter (目标管理责任书) of one unit for one year."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="target_letters",
                             verbose_name=_("责任单位"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    signatory = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="signed_letters", verbose_name=_("签署人"))
    signed_on = models.DateField(null=True, blank=True, verbose_name=_("签署日期"))
    attachments = models.JSONField(default=list, blank=True, verbose_name=_("附件"))

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("目标管理责任书")
        verbose_name_plural = _("目标管理责任书")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="targets_letter_unit_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"


class StoredFile(models.Model):
    """An attachment's content (附件), kept once by its SHA-256. A letter (or a report) lists the files
    it carries in its ``attachments`` as ``{name, sha256, size, content_type}``, so every audit
    snapshot of it names the exact files by hash. Checked by ``zeren.core.uploads.check_attachment``
    before it is stored; never deleted."""

    sha256 = models.CharField(max_length=64, unique=True, verbose_name=_("SHA-256"))
    content_type = models.CharField(max_length=100, verbose_name=_("类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小"))
    content = models.BinaryField(verbose_name=_("内容"))
    stored_at = models.DateTimeField(verbose_name=_("上传时间"))

    class Meta:
        verbose_name = _("附件内容")
        verbose_name_plural = _("附件内容")

    def __str__(self) -> str:
        return self.sha256


class Target(models.Model):
    """A target (目标任务) with its owner, schedule and indicator; children decompose it."""

    code = models.CharField(max_length=80, unique=True, verbose_name=_("目标编号"))
    year = models.PositiveSmallIntegerField(db_index=True, verbose_name=_("年度"))
    title = models.CharField(max_length=300, verbose_name=_("目标任务"))
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.KEY_TASK,
                              verbose_name=_("来源"))
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets",
                               verbose_name=_("责任书"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="targets", verbose_name=_("责任单位"))
    leader = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="led_targets", verbose_name=_("责任领导"))
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="owned_targets", verbose_name=_("责任人"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级目标"))
    duty_items = models.ManyToManyField("duties.FunctionItem", blank=True, related_name="targets",
                                        verbose_name=_("对应权责事项"))
    weight = models.FloatField(default=100.0, verbose_name=_("权重"))
    start = models.DateField(verbose_name=_("开始时间"))
    deadline = models.DateField(verbose_name=_("完成时限"))
    kind = models.CharField(max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.QUANTITATIVE,
                            verbose_name=_("指标类型"))
    measure = models.CharField(max_length=32, blank=True, verbose_name=_("计量单位"))
    baseline = models.FloatField(null=True, blank=True, verbose_name=_("基数"))
    target_value = models.FloatField(null=True, blank=True, verbose_name=_("目标值"))
    additive = models.BooleanField(default=False, verbose_name=_("可累加"),
                                   help_text=_("下级目标值之和应不少于本目标值"))
    state = models.CharField(max_length=16, choices=TargetState.choices, default=TargetState.ACTIVE,
                             db_index=True, verbose_name=_("记录状态"))
    note = models.TextField(blank=True, verbose_name=_("说明"))

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("start")), name="targets_target_deadline_after_start"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="targets_target_weight_nonnegative"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="targets_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_quantitative(self) -> bool:
        return self.kind == IndicatorKind.QUANTITATIVE


class Milestone(models.Model):
    """A milestone (节点目标): a due date with an expected value or a deliverable."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("目标"))
    code = models.CharField(max_length=40, verbose_name=_("节点编号"))
    title = models.CharField(max_length=300, verbose_name=_("节点"))
    due = models.DateField(verbose_name=_("节点时限"))
    expected = models.FloatField(null=True, blank=True, verbose_name=_("节点预期值"))
    deliverable = models.CharField(max_length=300, blank=True, verbose_name=_("成果形式"))

    class Meta:
        ordering = ["target_id", "due", "code"]
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        constraints = [models.UniqueConstraint(fields=["target", "code"], name="targets_milestone_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgressReport(models.Model):
    """A progress report (进度报告) on a target or one of its milestones. Never edited: a correction is
    a new report whose ``supersedes`` points at the one it replaces."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports", verbose_name=_("目标"))
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="reports", verbose_name=_("里程碑"))
    date = models.DateField(db_index=True, verbose_name=_("报告日期"))
    value = models.FloatField(null=True, blank=True, verbose_name=_("完成值"))
    done = models.BooleanField(default=False, verbose_name=_("节点已完成"))
    note = models.TextField(blank=True, verbose_name=_("进展说明"))
    attachments = models.JSONField(default=list, blank=True, verbose_name=_("附件"))
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by", verbose_name=_("替代报告"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("报告人"))
    reported_at = models.DateTimeField(verbose_name=_("提交时间"))

    class Meta:
        ordering = ["target_id", "date", "id"]
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        constraints = [models.CheckConstraint(condition=Q(value__isnull=False) | Q(milestone__isnull=False),
                                              name="targets_report_value_or_milestone")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.date}"


class NoticeStatus(models.TextChoices):
    """A follow-up notice's lifecycle: open → answered → closed; or open → escalated (past due)."""

    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    ESCALATED = "escalated", _("已升级")
    CLOSED = "closed", _("已办结")


OPEN_NOTICE_STATUSES = (NoticeStatus.OPEN, NoticeStatus.ANSWERED)


class Notice(models.Model):
    """A follow-up notice (督办通知) to a target's responsible leader, with a reply due date.

    An unanswered notice past its due date is escalated: it moves to ``escalated`` and a new notice
    (``escalated_from`` → it) goes to the leader of the parent unit with a new limit."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="notices", verbose_name=_("目标"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="target_notices",
                             verbose_name=_("受文单位"))
    addressee = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="target_notices", verbose_name=_("受文领导"))
    reason = models.CharField(max_length=16, verbose_name=_("督办原因"))  # the target's status when issued
    issued_on = models.DateField(verbose_name=_("下发日期"))
    due_on = models.DateField(verbose_name=_("答复时限"))
    level = models.PositiveSmallIntegerField(default=0, verbose_name=_("升级次数"))
    escalated_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="escalated_to", verbose_name=_("原通知"))
    status = models.CharField(max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN,
                              db_index=True, verbose_name=_("状态"))
    reply = models.TextField(blank=True, verbose_name=_("答复"))
    revised_plan = models.TextField(blank=True, verbose_name=_("调整计划"))
    replied_on = models.DateField(null=True, blank=True, verbose_name=_("答复日期"))
    closed_on = models.DateField(null=True, blank=True, verbose_name=_("办结日期"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="targets_notice_due")]

    def __str__(self) -> str:
        return _("督办 %(target)s %(day)s") % {"target": self.target_id, "day": self.issued_on}


class PaperState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class WhitePaperPilot(models.Model):
    """Which units publish a white paper in a year (试点单位): the seed's pilot had 5 departments in
    2006 and 16 in 2007."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))

    class Meta:
        ordering = ["year", "unit__path"]
        verbose_name = _("白皮书试点单位")
        verbose_name_plural = _("白皮书试点单位")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="targets_pilot_unit_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id}"


class WhitePaper(models.Model):
    """A department responsibility white paper (部门责任白皮书): the unit's duties, its targets with
    their schedule, and last year's completion, frozen in ``content`` when drafted."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="white_papers", verbose_name=_("单位"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    state = models.CharField(max_length=16, choices=PaperState.choices, default=PaperState.DRAFT, db_index=True,
                             verbose_name=_("状态"))
    content = models.JSONField(default=dict, verbose_name=_("内容"))
    drafted_at = models.DateTimeField(verbose_name=_("起草时间"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("发布时间"))

    class Meta:
        ordering = ["-year", "unit__path"]
        verbose_name = _("部门责任白皮书")
        verbose_name_plural = _("部门责任白皮书")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="targets_whitepaper_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class Grade(models.TextChoices):
    """Civil-servant assessment grades (公务员法 第三十六条)."""

    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Assessment(models.Model):
    """One non-leading civil servant's annual assessment (公务员年度考核) in a unit.

    ``proposed_grade`` is derived by :func:`zeren.targets.rules.propose_grade` from the position
    description's standards and the person's targets, frozen with what it rests on in ``basis``.
    ``grade`` stays empty until the unit's head or assessment committee confirms it (and the person
    is notified, ``notified_on``); a grade other than the proposal carries its ``grade_reason``."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("单位"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="assessments",
                               verbose_name=_("被考核人"))
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    proposed_grade = models.CharField(max_length=16, choices=Grade.choices, verbose_name=_("建议等次"))
    grade = models.CharField(max_length=16, choices=Grade.choices, blank=True, verbose_name=_("等次"))
    grade_reason = models.TextField(blank=True, verbose_name=_("调整理由"))
    # A reason written by code (复核变更：<the review's decision>) as a message (zeren.core.messages), rendered in
    # the reader's language; ``grade_reason`` keeps it in Chinese. The committee's own reason has no key.
    grade_reason_key = models.CharField(max_length=64, blank=True, verbose_name=_("调整理由模板"))
    grade_reason_params = models.JSONField(default=dict, blank=True, verbose_name=_("调整理由参数"))
    basis = models.JSONField(default=dict, blank=True, verbose_name=_("考核依据"))
    comment = models.TextField(blank=True, verbose_name=_("评语"))
    notified_on = models.DateField(null=True, blank=True, verbose_name=_("告知日期"))

    class Meta:
        ordering = ["-year", "unit__path", "person__code"]
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="targets_assessment_person_year"),
            # confirmed (a grade) exactly when notified
            models.CheckConstraint(condition=Q(grade="", notified_on__isnull=True)
                                   | (~Q(grade="") & Q(notified_on__isnull=False)),
                                   name="targets_assessment_confirmed_notified"),
            # a grade other than the proposal says why
            models.CheckConstraint(condition=Q(grade="") | Q(grade=F("proposed_grade")) | ~Q(grade_reason=""),
                                   name="targets_assessment_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person} {self.get_grade_display() or self.get_proposed_grade_display()}"

    @property
    def confirmed(self) -> bool:
        return bool(self.grade)

    @property
    def display_grade_reason(self) -> str:
        """The reason for a grade other than the proposal, in the active language when code wrote it."""
        return messages.render(self.grade_reason_key, self.grade_reason_params, self.grade_reason)


class AppealStatus(models.TextChoices):
    FILED = "filed", _("已申请复核")
    UPHELD = "upheld", _("维持原等次")
    CHANGED = "changed", _("变更等次")


class Appeal(models.Model):
    """An appeal (申请复核) against an assessment, filed and decided within working-day limits."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="appeal",
                                      verbose_name=_("考核结果"))
    filed_on = models.DateField(verbose_name=_("申请日期"))
    reason = models.TextField(verbose_name=_("复核理由"))
    decide_by = models.DateField(verbose_name=_("复核时限"))
    status = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.FILED,
                              verbose_name=_("状态"))
    decision = models.TextField(blank=True, verbose_name=_("复核意见"))
    decided_on = models.DateField(null=True, blank=True, verbose_name=_("复核日期"))
    original_grade = models.CharField(max_length=16, choices=Grade.choices, verbose_name=_("原等次"))

    class Meta:
        verbose_name = _("考核复核")
        verbose_name_plural = _("考核复核")

    def __str__(self) -> str:
        return f"复核 {self.assessment_id}"
