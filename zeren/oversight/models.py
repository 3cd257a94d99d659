"""The oversight network (监督网络) around electronic supervision.

The seed's 行政监督 beyond the electronic part: the supervision body leads a joint meeting
(联席会议) of supervision, finance, audit, legal affairs and HR; those bodies refer cases to the
supervision body (移送处理) and inspect jointly (联合检查); a vertical network covers city,
districts and streets (市/区/街道); the government reports to the People's Congress and CPPCC and
invites deputies to inspect (外部监督); the "sunshine project" (阳光工程) publishes plans, major
decisions, work targets and emergencies.

Every legal or administrative time limit here is in working days (``zeren.workdays``); every
write goes through ``actions.py`` with an audit entry; nothing published is ever deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zeren.org.models import Level


class FindingCause(models.TextChoices):
    """The causes of the findings this app raises (问题线索类型), as ``findings`` stores them."""

    REFERRAL = "oversight.referral", _("移送案件")
    DISCLOSURE_OVERDUE = "oversight.disclosure_overdue", _("逾期未公开")
    MEETING_TASK_OVERDUE = "oversight.meeting_task_overdue", _("联席会议议定事项逾期")
    INSPECTION = "oversight.inspection", _("联合检查发现问题")


class BodyKind(models.TextChoices):
    """What a member body of the network is (联席会议成员单位)."""

    SUPERVISION = "supervision", _("监察机关")
    FINANCE = "finance", _("财政部门")
    AUDIT = "audit", _("审计部门")
    LEGAL = "legal", _("法制部门")
    HR = "hr", _("人事部门")


# The bodies that refer cases to the supervision body (移送机关).
REFERRING_KINDS = frozenset({BodyKind.FINANCE, BodyKind.AUDIT, BodyKind.LEGAL, BodyKind.HR})


class Body(models.Model):
    """A body of the network: the org unit it is, and the government subtree it oversees.

    A supervision body's ``jurisdiction`` is the government it oversees (市政府, a district, a
    street): it sees the cases of every unit under it, and its superior body sees its case load.
    """

    unit = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="oversight_body",
                                verbose_name=_("单位"))
    kind = models.CharField(max_length=16, choices=BodyKind.choices, verbose_name=_("类别"))
    level = models.CharField(max_length=16, choices=Level.choices, verbose_name=_("层级"))
    jurisdiction = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="overseen_by",
                                     verbose_name=_("监督范围"))

    class Meta:
        ordering = ["jurisdiction__path", "kind"]
        verbose_name = _("监督主体")
        verbose_name_plural = _("监督主体")

    def __str__(self) -> str:
        return self.unit.display_name


class RuleAdoption(models.Model):
    """Which government adopted administrative-fault liability rules, and when (过错责任制度建立登记)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="fault_rule_adoptions",
                             verbose_name=_("政府"))
    title = models.CharField(max_length=200, verbose_name=_("制度名称"))
    document_no = models.CharField(max_length=64, blank=True, verbose_name=_("文号"))
    adopted_on = models.DateField(verbose_name=_("印发日期"))

    class Meta:
        ordering = ["unit__path", "adopted_on"]
        verbose_name = _("问责制度建立登记")
        verbose_name_plural = _("问责制度建立登记")
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="oversight_rule_adoption_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.title}"


class Attachment(models.Model):
    """A file attached to a publication, referral or rectification report (附件), kept in the database.

    Checked by ``zeren.core.uploads.check_attachment`` before it is stored; never deleted.
    """

    owner_type = models.CharField(max_length=32, verbose_name=_("所属对象类型"))
    owner_id = models.PositiveBigIntegerField(verbose_name=_("所属对象ID"))
    name = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100, verbose_name=_("类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    content = models.BinaryField(verbose_name=_("内容"))
    uploaded_at = models.DateTimeField(verbose_name=_("上传时间"))

    class Meta:
        ordering = ["owner_type", "owner_id", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="oversight_attachment_owner")]

    def __str__(self) -> str:
        return self.name


# --- 阳光工程: the publication register -------------------------------------------------------

class PublicationCategory(models.TextChoices):
    PLAN = "plan", _("发展规划")
    DECISION = "decision", _("重大决策")
    TARGET = "target", _("工作目标")
    EMERGENCY = "emergency", _("突发事件及处置")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已公开")
    WITHDRAWN = "withdrawn", _("已撤回")


# What the public may see: once published, always (a withdrawn item keeps its page and reason).
PUBLIC_STATUSES = frozenset({PublicationStatus.PUBLISHED, PublicationStatus.WITHDRAWN})


class Publication(models.Model):
    """One item of the sunshine register (阳光公开事项)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="publications",
                             verbose_name=_("公开单位"))
    category = models.CharField(max_length=16, choices=PublicationCategory.choices, verbose_name=_("类别"))
    title = models.CharField(max_length=300, verbose_name=_("标题"))
    body = models.TextField(verbose_name=_("正文"))
    issued_on = models.DateField(verbose_name=_("成文日期"))
    status = models.CharField(max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT,
                              db_index=True, verbose_name=_("状态"))
    created_at = models.DateTimeField(verbose_name=_("创建时间"))
    published_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name=_("公开时间"))
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("撤回时间"))
    withdrawal_reason = models.TextField(blank=True, verbose_name=_("撤回理由"))
    requirement = models.ForeignKey("DisclosureRequirement", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="publications", verbose_name=_("对应公开清单事项"))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("阳光公开事项")
        verbose_name_plural = _("阳光公开事项")
        constraints = [
            models.CheckConstraint(name="oversight_publication_withdrawn_reason",
                                   condition=~Q(status="withdrawn") | ~Q(withdrawal_reason="")),
            models.CheckConstraint(name="oversight_publication_published_at",
                                   condition=~Q(status__in=["published", "withdrawn"]) | Q(published_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class DisclosureRequirement(models.Model):
    """A disclosure a unit must make by a date (公开清单): met by a published item linked to it."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="disclosure_requirements",
                             verbose_name=_("单位"))
    category = models.CharField(max_length=16, choices=PublicationCategory.choices, verbose_name=_("类别"))
    title = models.CharField(max_length=200, verbose_name=_("应公开事项"))
    due_on = models.DateField(db_index=True, verbose_name=_("公开期限"))
    met_on = models.DateField(null=True, blank=True, verbose_name=_("公开日期"))

    class Meta:
        ordering = ["due_on", "unit__path"]
        verbose_name = _("公开清单事项")
        verbose_name_plural = _("公开清单事项")
        constraints = [models.UniqueConstraint(fields=["unit", "title", "due_on"], name="oversight_requirement_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.title}"


# --- 移送处理: referrals --------------------------------------------------------------------

class ReferralType(models.TextChoices):
    FUNDS = "funds", _("违规使用财政资金")
    AUDIT = "audit", _("审计发现问题")
    LAW_ENFORCEMENT = "law_enforcement", _("违法行政行为")
    PERSONNEL = "personnel", _("违反人事纪律")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("已移送")
    REGISTERED = "registered", _("已登记受理")
    REPORTED = "reported", _("已反馈结果")


class ReferralOutcome(models.TextChoices):
    CASE_OPENED = "case_opened", _("立案追责")
    RECTIFICATION = "rectification", _("责令整改")
    NO_VIOLATION = "no_violation", _("未发现违纪违法")
    TRANSFERRED = "transferred", _("移交其他机关")


class Referral(models.Model):
    """A case referred by a finance, audit, legal-affairs or HR body to the supervision body (移送)."""

    number = models.CharField(max_length=32, unique=True, verbose_name=_("移送编号"))
    from_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="referrals_made",
                                  verbose_name=_("移送机关"))
    to_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="referrals_received",
                                verbose_name=_("受理机关"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="referrals",
                             verbose_name=_("被移送单位"))
    type = models.CharField(max_length=24, choices=ReferralType.choices, verbose_name=_("问题类型"))
    title = models.CharField(max_length=300, verbose_name=_("标题"))
    facts = models.TextField(verbose_name=_("问题事实"))
    source_finding = models.ForeignKey("findings.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="referrals", verbose_name=_("所移送问题线索"))
    referred_on = models.DateField(verbose_name=_("移送日期"))
    register_due = models.DateField(verbose_name=_("登记期限"))
    registered_on = models.DateField(null=True, blank=True, verbose_name=_("登记日期"))
    report_due = models.DateField(null=True, blank=True, verbose_name=_("反馈期限"))
    reported_on = models.DateField(null=True, blank=True, verbose_name=_("反馈日期"))
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED,
                              db_index=True, verbose_name=_("状态"))
    outcome = models.CharField(max_length=16, choices=ReferralOutcome.choices, blank=True, verbose_name=_("处理结果"))
    result_summary = models.TextField(blank=True, verbose_name=_("结果反馈"))

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("移送案件")
        verbose_name_plural = _("移送案件")
        indexes = [models.Index(fields=["to_body", "status"], name="oversight_referral_inbox")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ReferralNote(models.Model):
    """The receiving body's internal handling note (内部办理记录): never shown to the referrer."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notes", verbose_name=_("移送案件"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("记录人"))
    body = models.TextField(verbose_name=_("内容"))
    created_at = models.DateTimeField(verbose_name=_("记录时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("内部办理记录")
        verbose_name_plural = _("内部办理记录")

    def __str__(self) -> str:
        return f"{self.referral.number} #{self.pk}"


# --- 联席会议: joint meeting ----------------------------------------------------------------

class JointMeeting(models.Model):
    """A joint meeting (联席会议) of the member bodies, with its agenda and minutes."""

    convener = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings_convened",
                                 verbose_name=_("召集单位"))
    members = models.ManyToManyField(Body, related_name="meetings", verbose_name=_("参会成员单位"))
    title = models.CharField(max_length=200, verbose_name=_("会议名称"))
    held_on = models.DateField(db_index=True, verbose_name=_("会议日期"))
    agenda = models.TextField(verbose_name=_("议程"))
    minutes = models.TextField(blank=True, verbose_name=_("会议纪要"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")

    def __str__(self) -> str:
        return self.title


class MeetingTask(models.Model):
    """A decision of a meeting with its follow-up (议定事项督办): owner, deadline in working days."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("会议"))
    decision = models.TextField(verbose_name=_("议定事项"))
    owner = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meeting_tasks", verbose_name=_("责任单位"))
    workdays = models.PositiveSmallIntegerField(verbose_name=_("办理时限（工作日）"))
    due_on = models.DateField(db_index=True, verbose_name=_("办结期限"))
    done_on = models.DateField(null=True, blank=True, verbose_name=_("办结日期"))
    report = models.TextField(blank=True, verbose_name=_("办理情况"))
    escalated_on = models.DateField(null=True, blank=True, verbose_name=_("督办升级日期"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")

    def __str__(self) -> str:
        return self.decision[:60]


# --- 联合检查: joint inspections --------------------------------------------------------------

class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("已制定计划")
    UNDERWAY = "underway", _("检查中")
    CLOSED = "closed", _("已结束")


class JointInspection(models.Model):
    """A joint inspection (联合检查): plan, a team from several bodies, target units."""

    title = models.CharField(max_length=200, verbose_name=_("检查名称"))
    lead = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="inspections_led", verbose_name=_("牵头单位"))
    team = models.ManyToManyField(Body, related_name="inspections", verbose_name=_("检查组成员单位"))
    targets = models.ManyToManyField("org.Unit", related_name="joint_inspections", verbose_name=_("被检查单位"))
    plan = models.TextField(verbose_name=_("检查方案"))
    starts_on = models.DateField(verbose_name=_("开始日期"))
    ends_on = models.DateField(verbose_name=_("结束日期"))
    status = models.CharField(max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED,
                              db_index=True, verbose_name=_("状态"))
    closed_on = models.DateField(null=True, blank=True, verbose_name=_("结束日期（实际）"))
    conclusion = models.TextField(blank=True, verbose_name=_("检查结论"))

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("联合检查")
        verbose_name_plural = _("联合检查")
        constraints = [models.CheckConstraint(name="oversight_inspection_dates", condition=Q(ends_on__gte=models.F("starts_on")))]

    def __str__(self) -> str:
        return self.title


class IssueStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    REPORTED = "reported", _("已报送整改报告")
    ACCEPTED = "accepted", _("整改验收通过")


class InspectionIssue(models.Model):
    """A problem found by a joint inspection, with its rectification request (整改通知) and report."""

    inspection = models.ForeignKey(JointInspection, on_delete=models.PROTECT, related_name="issues",
                                   verbose_name=_("联合检查"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="inspection_issues",
                             verbose_name=_("被检查单位"))
    description = models.TextField(verbose_name=_("问题描述"))
    found_on = models.DateField(verbose_name=_("发现日期"))
    workdays = models.PositiveSmallIntegerField(verbose_name=_("整改时限（工作日）"))
    rectify_due = models.DateField(db_index=True, verbose_name=_("整改期限"))
    status = models.CharField(max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN, db_index=True,
                              verbose_name=_("状态"))
    report = models.TextField(blank=True, verbose_name=_("整改报告"))
    reported_on = models.DateField(null=True, blank=True, verbose_name=_("报送日期"))
    accepted_on = models.DateField(null=True, blank=True, verbose_name=_("验收日期"))

    class Meta:
        ordering = ["rectify_due", "id"]
        verbose_name = _("检查发现问题")
        verbose_name_plural = _("检查发现问题")

    def __str__(self) -> str:
        return self.description[:60]


# --- 外部监督: deputies' and CPPCC members' inspection evaluations -----------------------------

class EvaluatorKind(models.TextChoices):
    DEPUTY = "deputy", _("人大代表")
    CPPCC = "cppcc", _("政协委员")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class ExternalEvaluation(models.Model):
    """A deputy's or CPPCC member's evaluation of a unit after an inspection visit (视察评议)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="external_evaluations",
                             verbose_name=_("被评议单位"))
    evaluator_kind = models.CharField(max_length=16, choices=EvaluatorKind.choices, verbose_name=_("评议人类别"))
    evaluator = models.CharField(max_length=100, verbose_name=_("评议人"))
    visited_on = models.DateField(db_index=True, verbose_name=_("视察日期"))
    rating = models.CharField(max_length=16, choices=Rating.choices, verbose_name=_("评议结果"))
    comments = models.TextField(blank=True, verbose_name=_("意见建议"))

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("代表委员视察评议")
        verbose_name_plural = _("代表委员视察评议")

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.unit}"
