"""Accountability (行政问责): incidents and responsibility reviews, fault-liability cases, complaints.

The fifth element of the chain. Findings (``zeren.findings``) arrive from every element; an
officer opens a fault-liability case (行政过错责任追究) from one or several of them, or dismisses
them with a reason — sanctions are never automatic. After a major incident each responsible unit
reviews its own conduct within 20 working days (责任检讨) and apologises publicly where it was
negligent (失职道歉). Citizens complain (行政过错投诉) through the public form, the hotline, letters
or Open311; the complainant's identity lives in its own table (:class:`Complainant`) so that it
never travels with the complaint (audit entries, exports, Open311, the accused unit's pages).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zeren.org.models import NamedInBothLanguages


class FindingCause(models.TextChoices):
    """The causes of the findings accountability raises (``accountability.<value>``)."""

    REVIEW_OVERDUE = "review_overdue", _("逾期未检讨")
    REVIEW_REFUSED = "review_refused", _("拒不检讨")
    APOLOGY_REFUSED = "apology_refused", _("拒不道歉")
    COMPLAINT_SUBSTANTIATED = "complaint_substantiated", _("投诉属实")


# --- incidents and responsibility reviews (责任检讨及失职道歉) ------------------------------------


class IncidentCategory(models.TextChoices):
    """The fields of major incidents the review measures cover (深圳市政府部门责任检讨及失职道歉暂行办法)."""

    WORK_SAFETY = "work_safety", _("安全生产")
    FOOD_SAFETY = "food_safety", _("食品安全")
    ENVIRONMENTAL_POLLUTION = "environmental_pollution", _("环境污染")
    PUBLIC_HEALTH = "public_health", _("公共卫生")
    PUBLIC_SECURITY = "public_security", _("社会治安")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    RELATIVELY_MAJOR = "relatively_major", _("较大")
    MAJOR = "major", _("重大")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大")


class Incident(models.Model):
    """A major incident (重大事件) on the register, with the units responsible for reviewing it."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("事件编号"))
    category = models.CharField(max_length=32, choices=IncidentCategory.choices, verbose_name=_("类别"))
    occurred_on = models.DateField(verbose_name=_("发生日期"))
    severity = models.CharField(max_length=24, choices=Severity.choices, verbose_name=_("等级"))
    title = models.CharField(max_length=300, verbose_name=_("标题"))
    description = models.TextField(blank=True, verbose_name=_("概况"))
    registered_at = models.DateTimeField(verbose_name=_("登记时间"))

    class Meta:
        ordering = ["-occurred_on", "code"]
        verbose_name = _("重大事件")
        verbose_name_plural = _("重大事件")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ReviewStatus(models.TextChoices):
    """How a review is reported (``zeren accountability reviews``); ``overdue`` is derived from the date."""

    PENDING = "pending", _("待检讨")
    OVERDUE = "overdue", _("逾期未检讨")
    SUBMITTED = "submitted", _("已检讨")
    APOLOGISED = "apologised", _("已道歉")


class Refusal(models.TextChoices):
    NONE = "", _("无")
    REVIEW = "review", _("拒不检讨")
    APOLOGY = "apology", _("拒不道歉")


class IncidentReview(models.Model):
    """One responsible unit's responsibility review (责任检讨) of an incident, due on the 20th working
    day after the incident date."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("事件"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="incident_reviews",
                             verbose_name=_("责任单位"))
    due = models.DateField(db_index=True, verbose_name=_("检讨期限"))
    submitted_on = models.DateField(null=True, blank=True, verbose_name=_("提交日期"))
    measures_appropriate = models.BooleanField(null=True, verbose_name=_("处置措施是否得当"))
    rules_missing = models.BooleanField(null=True, verbose_name=_("是否存在制度缺失"))
    findings_text = models.TextField(blank=True, verbose_name=_("检讨内容"))
    corrective_actions = models.TextField(blank=True, verbose_name=_("整改措施"))
    negligent = models.BooleanField(null=True, verbose_name=_("是否失职"))
    escalated_on = models.DateField(null=True, blank=True, verbose_name=_("逾期报上级日期"))
    escalated_to = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("报告上级机关"))
    refusal = models.CharField(max_length=16, choices=Refusal.choices, blank=True, default="",
                               verbose_name=_("拒绝检讨或道歉"))

    class Meta:
        ordering = ["due", "incident__code", "unit__code"]
        verbose_name = _("责任检讨")
        verbose_name_plural = _("责任检讨")
        constraints = [models.UniqueConstraint(fields=["incident", "unit"], name="accountability_review_once")]

    def __str__(self) -> str:
        return f"{self.incident.code} / {self.unit.code}"


class ApologyMedium(models.TextChoices):
    PRESS_CONFERENCE = "press_conference", _("新闻发布会")
    NEWSPAPER = "newspaper", _("报刊")
    PORTAL = "portal", _("政府网站")


class Apology(models.Model):
    """A public apology for negligence (失职道歉), published on the portal; it never closes liability."""

    review = models.OneToOneField(IncidentReview, on_delete=models.CASCADE, related_name="apology",
                                  verbose_name=_("责任检讨"))
    statement = models.TextField(verbose_name=_("道歉内容"))
    medium = models.CharField(max_length=24, choices=ApologyMedium.choices, verbose_name=_("道歉方式"))
    medium_detail = models.CharField(max_length=300, blank=True, verbose_name=_("发布会或报刊"))
    published_on = models.DateField(verbose_name=_("发布日期"))

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("失职道歉")
        verbose_name_plural = _("失职道歉")

    def __str__(self) -> str:
        return f"{self.review} {self.published_on}"


# --- complaints (行政过错投诉) --------------------------------------------------------------------


class ComplaintCategory(NamedInBothLanguages, models.Model):
    """A complaint category, served to Open311 clients as a service (``service_code``)."""

    code = models.SlugField(max_length=64, unique=True, verbose_name=_("类别代码"))
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("英文名称"))
    description = models.CharField(max_length=500, blank=True, verbose_name=_("说明"))
    keywords = models.CharField(max_length=200, blank=True, verbose_name=_("关键词"))
    group = models.CharField(max_length=100, blank=True, verbose_name=_("分组"))
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("投诉类别")
        verbose_name_plural = _("投诉类别")

    def __str__(self) -> str:
        return self.display_name


class Channel(models.TextChoices):
    WEB = "web", _("网上投诉")
    HOTLINE = "hotline", _("投诉电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    OPEN311 = "open311", _("Open311")


class ComplaintStatus(models.TextChoices):
    """A complaint's workflow: open states first (Open311 ``open``), then closed ones (``closed``)."""

    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    CONCLUDED = "concluded", _("已办结")
    REPLIED = "replied", _("已答复")
    APPEALED = "appealed", _("复查中")
    REJECTED = "rejected", _("不予受理")
    CLOSED = "closed", _("已结案")


OPEN_COMPLAINT_STATUSES = frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.CONCLUDED,
                                     ComplaintStatus.APPEALED})


class Conclusion(models.TextChoices):
    NONE = "", _("未作结论")
    SUBSTANTIATED = "substantiated", _("投诉属实")
    PARTLY = "partly", _("投诉部分属实")
    UNSUBSTANTIATED = "unsubstantiated", _("投诉不实")


class Complaint(models.Model):
    """A fault complaint (行政过错投诉) against a unit, handled by the competent supervision body.

    Nothing here identifies the complainant: that is :class:`Complainant`. ``internal_notes`` and the
    investigation's text stay inside; the public sees the status, dates and ``reply``.
    """

    tracking_number = models.CharField(max_length=32, unique=True, verbose_name=_("查询编号"))
    client_token = models.CharField(max_length=64, null=True, blank=True, unique=True, verbose_name=_("提交令牌"))
    channel = models.CharField(max_length=16, choices=Channel.choices, verbose_name=_("渠道"))
    category = models.ForeignKey(ComplaintCategory, on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("类别"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="complaints_against",
                             verbose_name=_("被投诉单位"))
    handling_body = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="complaints_handled",
                                      verbose_name=_("受理机关"))
    description = models.TextField(verbose_name=_("投诉内容"))
    address = models.CharField(max_length=300, blank=True, verbose_name=_("地点"))
    lat = models.FloatField(null=True, blank=True, verbose_name=_("纬度"))
    long = models.FloatField(null=True, blank=True, verbose_name=_("经度"))
    submitted_at = models.DateTimeField(db_index=True, verbose_name=_("提交时间"))
    updated_at = models.DateTimeField(verbose_name=_("更新时间"))
    status = models.CharField(max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED,
                              db_index=True, verbose_name=_("状态"))
    acceptance_due = models.DateField(verbose_name=_("受理期限"))
    accepted_on = models.DateField(null=True, blank=True, verbose_name=_("受理日期"))
    rejection_reason = models.TextField(blank=True, verbose_name=_("不予受理理由"))
    investigation_due = models.DateField(null=True, blank=True, verbose_name=_("调查期限"))
    conclusion = models.CharField(max_length=16, choices=Conclusion.choices, blank=True, default="",
                                  verbose_name=_("调查结论"))
    concluded_on = models.DateField(null=True, blank=True, verbose_name=_("办结日期"))
    reply = models.TextField(blank=True, verbose_name=_("答复意见"))
    replied_on = models.DateField(null=True, blank=True, verbose_name=_("答复日期"))
    appeal_reason = models.TextField(blank=True, verbose_name=_("复查申请理由"))
    appeal_outcome = models.TextField(blank=True, verbose_name=_("复查意见"))
    internal_notes = models.TextField(blank=True, verbose_name=_("内部办理记录"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")

    def __str__(self) -> str:
        return self.tracking_number

    def audit_unit_path(self) -> str:
        """Its history belongs to the handling body, not to the accused unit (whose scope covers
        ``unit``): the accused unit sees only the entries its own people wrote."""
        return self.handling_body.path

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES


class Complainant(models.Model):
    """Who complained (投诉人): visible only to officers of the handling body, never audited by value."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="complainant",
                                     verbose_name=_("投诉"))
    name = models.CharField(max_length=100, blank=True, verbose_name=_("姓名"))
    phone = models.CharField(max_length=32, blank=True, verbose_name=_("电话"))
    email = models.EmailField(blank=True, verbose_name=_("电子邮箱"))
    address = models.CharField(max_length=300, blank=True, verbose_name=_("联系地址"))
    device_id = models.CharField(max_length=100, blank=True, verbose_name=_("设备标识"))
    account_id = models.CharField(max_length=100, blank=True, verbose_name=_("账户标识"))

    class Meta:
        verbose_name = _("投诉人")
        verbose_name_plural = _("投诉人")

    def __str__(self) -> str:  # never the person: a complainant is named only where may_see_identity allows
        return f"complainant of {self.complaint_id}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()

    class Meta:
        verbose_name = _("投诉附件")
        verbose_name_plural = _("投诉附件")

    def __str__(self) -> str:
        return self.name


class Open311Key(models.Model):
    """An Open311 client's API key (``api_key``); only its SHA-256 is stored."""

    name = models.CharField(max_length=100, verbose_name=_("名称"))
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")

    def __str__(self) -> str:
        return self.name


# --- fault-liability cases (行政过错责任追究) ----------------------------------------------------


class SubjectKind(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")
    ADMIN_HEAD = "admin_head", _("行政首长")


class FaultType(models.TextChoices):
    """Kinds of administrative fault (行政过错), after Shenzhen's 行政过错责任追究办法."""

    NOT_PERFORMING = "not_performing", _("不履行法定职责")
    IMPROPER = "improper", _("不正确履行职责")
    DELAY = "delay", _("拖延履行职责")
    ABUSE = "abuse", _("滥用职权")
    PROCEDURE = "procedure", _("违反法定程序")
    ARBITRARY_FEE = "arbitrary_fee", _("违规收费")
    NEGLIGENCE = "negligence", _("失职渎职")
    OTHER = "other", _("其他过错")


class CaseSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    RED_CARD = "red_card", _("红牌")
    ALERT = "alert", _("违规预警")
    REFERRAL = "referral", _("移送")
    INSPECTION = "inspection", _("检查")
    DISCLOSURE = "disclosure", _("政务公开逾期")
    JOINT_MEETING = "joint_meeting", _("联席会议督办逾期")
    TARGET = "target", _("目标逾期或未完成")
    EVALUATION = "evaluation", _("绩效评估")
    INCIDENT_REVIEW = "incident_review", _("责任检讨")
    DUTIES = "duties", _("职责问题")
    OTHER = "other", _("其他")


class AppealOutcome(models.TextChoices):
    """How an appeal against a decision ends (申诉复查结果)."""

    UPHELD = "upheld", pgettext_lazy("申诉结果", "维持")
    VARIED = "varied", pgettext_lazy("申诉结果", "变更")
    REVOKED = "revoked", pgettext_lazy("申诉结果", "撤销")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("立案调查")
    STATEMENT = "statement", _("已陈述申辩")
    DECIDED = "decided", _("已决定")
    FILED = "filed", _("已备案")
    APPEALED = "appealed", _("申诉中")
    CLOSED = "closed", _("已结案")


class SanctionLevel(NamedInBothLanguages, models.Model):
    """One rung of the sanction ladder (问责方式), configurable; ``rank`` orders severity."""

    code = models.SlugField(max_length=64, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    name_en = models.CharField(max_length=100, blank=True, verbose_name=_("英文名称"))
    rank = models.PositiveSmallIntegerField(verbose_name=_("轻重顺序"))
    for_units = models.BooleanField(default=False, verbose_name=_("适用于单位"))
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("问责方式")
        verbose_name_plural = _("问责方式")

    def __str__(self) -> str:
        return self.display_name


class FaultCase(models.Model):
    """A fault-liability case (行政过错责任追究案件): from findings, a complaint or a review to a
    decision, its filing with the superior body (备案) and an appeal."""

    number = models.CharField(max_length=32, unique=True, verbose_name=_("案件编号"))
    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices, verbose_name=_("问责对象类别"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="fault_cases",
                             verbose_name=_("责任单位"))
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="fault_cases", verbose_name=_("责任人"))
    handling_body = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="cases_handled",
                                      verbose_name=_("办案机关"))
    fault_type = models.CharField(max_length=24, choices=FaultType.choices, verbose_name=_("过错类型"))
    source = models.CharField(max_length=24, choices=CaseSource.choices, verbose_name=_("案件来源"))
    findings = models.ManyToManyField("findings.Finding", blank=True, related_name="fault_cases",
                                      verbose_name=_("问题线索"))
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="fault_cases", verbose_name=_("投诉"))
    review = models.ForeignKey(IncidentReview, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="fault_cases", verbose_name=_("责任检讨"))
    summary = models.TextField(verbose_name=_("案情"))
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True,
                              verbose_name=_("状态"))
    opened_on = models.DateField(db_index=True, verbose_name=_("立案日期"))
    statement = models.TextField(blank=True, verbose_name=_("陈述申辩"))
    statement_on = models.DateField(null=True, blank=True, verbose_name=_("陈述申辩日期"))
    sanction = models.ForeignKey(SanctionLevel, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="cases", verbose_name=_("问责方式"))
    aggravating = models.JSONField(default=list, blank=True, verbose_name=_("从重情节"))
    mitigating = models.JSONField(default=list, blank=True, verbose_name=_("从轻减轻情节"))
    decision = models.TextField(blank=True, verbose_name=_("决定理由"))
    decided_on = models.DateField(null=True, blank=True, verbose_name=_("决定日期"))
    filing_due = models.DateField(null=True, blank=True, verbose_name=_("备案期限"))
    filed_on = models.DateField(null=True, blank=True, verbose_name=_("备案日期"))
    filed_with = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("备案机关"))
    appeal = models.TextField(blank=True, verbose_name=_("申诉理由"))
    appealed_on = models.DateField(null=True, blank=True, verbose_name=_("申诉日期"))
    appeal_outcome = models.CharField(max_length=16, blank=True, choices=AppealOutcome.choices,
                                      verbose_name=_("申诉结果"))
    appeal_decision = models.TextField(blank=True, verbose_name=_("申诉复查意见"))

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("问责案件")
        verbose_name_plural = _("问责案件")
        constraints = [
            models.CheckConstraint(condition=Q(subject_kind="unit") | Q(person__isnull=False),
                                   name="accountability_case_person_subject"),
        ]

    def __str__(self) -> str:
        return self.number


class Commendation(models.Model):
    """A commendation candidate (奖勤): excellent results proposed for reward, decided by an officer."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="commendations",
                             verbose_name=_("单位"))
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("个人"))
    finding = models.OneToOneField("findings.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="commendation", verbose_name=_("来源线索"))
    reason = models.TextField(verbose_name=_("事由"))
    status = models.CharField(max_length=16, default="candidate", verbose_name=_("状态"), choices=[
        ("candidate", _("候选")), ("awarded", _("已表彰")), ("declined", _("不予表彰"))])
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_on = models.DateField(verbose_name=_("提出日期"))

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("表彰候选")
        verbose_name_plural = _("表彰候选")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.reason[:40]}"

    @property
    def display_reason(self) -> str:
        """The 事由 in the active language: a candidate taken from a finding has its title as the reason
        (written in Chinese), shown as the finding's title; one an officer wrote, as written."""
        if self.finding_id and self.reason == self.finding.title.strip():
            return self.finding.display_title
        return self.reason
