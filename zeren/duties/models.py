"""The function catalogue (权责清单): items, their units, reform batches, versions, findings, position descriptions.

Every change to an item is written through :mod:`zeren.duties.actions`, which closes the
item's current :class:`ItemVersion` and opens a new one under a :class:`ReformBatch`, so the
catalogue "as of a date" and the diff between two batches are read from versions alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zeren.core import messages
from zeren.findings.causes import render_title
from zeren.org.models import Level


class Category(models.TextChoices):
    """The eleven standard categories of a 权责清单 (权力类型)."""

    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    LEVY = "levy", _("行政征收")
    PAYMENT = "payment", _("行政给付")
    INSPECTION = "inspection", _("行政检查")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class Area(models.TextChoices):
    """Function area (政府职能领域)."""

    ECONOMIC_REGULATION = "economic_regulation", _("经济调节")
    MARKET_SUPERVISION = "market_supervision", _("市场监管")
    SOCIAL_MANAGEMENT = "social_management", _("社会管理")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    ASSISTING = "assisting", _("协办")


class ReformBatch(models.Model):
    """A reform batch (改革批次): the decision under which a set of catalogue changes takes effect."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("批次名称"))
    date = models.DateField(verbose_name=_("生效日期"))
    document_number = models.CharField(max_length=100, blank=True, verbose_name=_("文号"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("改革批次")
        verbose_name_plural = _("改革批次")

    def __str__(self) -> str:
        return f"{self.name}（{self.date}）"


class FunctionItem(models.Model):
    """A list item (权责事项). The current state; its history is in :class:`ItemVersion`."""

    code = models.CharField(max_length=64, unique=True, verbose_name=_("事项编码"))
    name = models.CharField(max_length=300, verbose_name=_("事项名称"))
    category = models.CharField(max_length=32, choices=Category.choices, verbose_name=_("事项类别"))
    area = models.CharField(max_length=32, choices=Area.choices, verbose_name=_("职能领域"))
    level = models.CharField(max_length=16, choices=Level.choices, verbose_name=_("层级"))
    # [{"law": "中华人民共和国食品安全法", "article": "第三十五条", "text": "…"}]
    legal_basis = models.JSONField(default=list, blank=True, verbose_name=_("设定依据"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级事项")
    )
    responsibility_matters = models.JSONField(default=list, blank=True, verbose_name=_("责任事项"))
    accountability_situations = models.JSONField(default=list, blank=True, verbose_name=_("追责情形"))
    is_active = models.BooleanField(default=True, db_index=True, verbose_name=_("有效"))
    units = models.ManyToManyField("org.Unit", through="ItemResponsibility", related_name="function_items")

    class Meta:
        ordering = ["code"]
        verbose_name = _("权责事项")
        verbose_name_plural = _("权责事项")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ItemResponsibility(models.Model):
    """Which unit holds an item, leading (牵头) or assisting (协办)."""

    item = models.ForeignKey(FunctionItem, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="item_responsibilities")
    role = models.CharField(max_length=16, choices=ResponsibilityRole.choices, verbose_name=_("角色"))

    class Meta:
        ordering = ["item", "role", "unit__code"]
        verbose_name = _("实施主体")
        verbose_name_plural = _("实施主体")
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="duties_responsibility_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.unit_id}:{self.role}"


class ChangeKind(models.TextChoices):
    ADDED = "added", _("新增")
    CHANGED = "changed", _("变更")
    TRANSFERRED = "transferred", _("划转")
    REMOVED = "removed", _("取消")


class ItemVersion(models.Model):
    """One state of an item between two batches (事项版本): valid from ``valid_from`` until ``valid_until`` (exclusive).

    ``content`` is the full snapshot in the JSON import/export form; the filterable fields
    are copied out of it so the catalogue as of a date is one indexed query.
    """

    item = models.ForeignKey(FunctionItem, on_delete=models.CASCADE, related_name="versions")
    code = models.CharField(max_length=64, db_index=True, verbose_name=_("事项编码"))
    batch = models.ForeignKey(ReformBatch, on_delete=models.PROTECT, related_name="opened_versions",
                              verbose_name=_("改革批次"))
    ended_by = models.ForeignKey(ReformBatch, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="closed_versions", verbose_name=_("终止批次"))
    change = models.CharField(max_length=16, choices=ChangeKind.choices, verbose_name=_("变更类型"))
    valid_from = models.DateField(verbose_name=_("起始日期"))
    valid_until = models.DateField(null=True, blank=True, verbose_name=_("终止日期"))
    name = models.CharField(max_length=300, verbose_name=_("事项名称"))
    category = models.CharField(max_length=32, choices=Category.choices, verbose_name=_("事项类别"))
    area = models.CharField(max_length=32, choices=Area.choices, verbose_name=_("职能领域"))
    level = models.CharField(max_length=16, choices=Level.choices, verbose_name=_("层级"))
    unit_codes = models.CharField(max_length=1000, blank=True, verbose_name=_("单位"))  # "|SZ-A|SZ-B|"
    content = models.JSONField(default=dict, verbose_name=_("内容"))

    class Meta:
        ordering = ["code", "valid_from", "pk"]
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        indexes = [models.Index(fields=["valid_from", "valid_until"], name="duties_version_validity")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="duties_version_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.valid_from}–{self.valid_until or ''}"

    @property
    def unit_list(self) -> list[str]:
        return [c for c in self.unit_codes.split("|") if c]


class FindingKind(models.TextChoices):
    MULTI_HEAD = "multi_head", _("多头管理")
    ORPHAN = "orphan", _("无人负责")
    NEAR_DUPLICATE = "near_duplicate", _("疑似重复")
    NO_RESPONSIBILITY = "no_responsibility", _("有权无责")
    LEVEL_MISMATCH = "level_mismatch", _("层级不符")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")
    INTENDED = "intended", _("确认合理")
    CLEARED = "cleared", _("已消除")


class Resolution(models.TextChoices):
    ASSIGN_LEAD = "assign_lead", _("指定牵头单位")
    MERGE = "merge", _("合并事项")
    SPLIT = "split", _("拆分事项")
    INTENDED = "intended", _("确认合理")


class DutyFinding(models.Model):
    """An analysis result on the catalogue (职责分析问题) with its evidence and resolution.

    ``key`` identifies the finding across analysis runs (kind + item and unit codes), so a
    re-run keeps the status a human gave it.
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=32, choices=FindingKind.choices, db_index=True, verbose_name=_("类型"))
    item_codes = models.JSONField(default=list, verbose_name=_("事项"))
    unit_codes = models.JSONField(default=list, verbose_name=_("单位"))
    items = models.ManyToManyField(FunctionItem, related_name="findings", blank=True)
    # The unit whose scope the finding belongs to (the government for cross-unit findings).
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="duty_findings", verbose_name=_("所属单位"))
    score = models.FloatField(null=True, blank=True, verbose_name=_("相似度"))
    # A cluster (one function written by several units) is one finding: its number of items and the
    # function area most of them belong to, for ranking and grouping the list.
    size = models.PositiveIntegerField(default=1, verbose_name=_("事项数"))
    area = models.CharField(max_length=32, choices=Area.choices, blank=True, db_index=True,
                            verbose_name=_("职能领域"))
    summary = models.CharField(max_length=500, verbose_name=_("摘要"))
    # The summary as a message (duties/causes.py TITLES) and its parameters, rendered in the reader's language;
    # ``summary`` keeps it in Chinese (findings recorded before summaries were messages show it as it is).
    summary_key = models.CharField(max_length=64, blank=True, verbose_name=_("摘要模板"))
    summary_params = models.JSONField(default=dict, blank=True, verbose_name=_("摘要参数"))
    evidence = models.JSONField(default=dict, verbose_name=_("证据"))
    status = models.CharField(max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN,
                              db_index=True, verbose_name=_("状态"))
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True, verbose_name=_("处理方式"))
    resolution_reason = models.TextField(blank=True, verbose_name=_("处理理由"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("处理人"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))
    first_seen = models.DateTimeField(auto_now_add=True, verbose_name=_("发现时间"))
    last_seen = models.DateTimeField(auto_now=True, verbose_name=_("最近发现"))

    class Meta:
        ordering = ["kind", "-score", "key"]
        verbose_name = _("职责分析问题")
        verbose_name_plural = _("职责分析问题")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {', '.join(self.item_codes or self.unit_codes)}"

    @property
    def display_summary(self) -> str:
        """The summary in the active language."""
        return render_title(self.summary_key, self.summary_params, self.summary)


class PlantedProblem(models.Model):
    """A problem the demo generator planted on purpose (演示埋点), so tests can measure detection."""

    kind = models.CharField(max_length=32, choices=FindingKind.choices, db_index=True)
    item_codes = models.JSONField(default=list)
    unit_codes = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {', '.join(self.item_codes or self.unit_codes)}"


class PositionDescription(models.Model):
    """A position description (职位说明书) for a post: duties by function item, qualifications, assessment, training."""

    post = models.OneToOneField("org.Post", on_delete=models.CASCADE, related_name="description",
                                verbose_name=_("职位"))
    items = models.ManyToManyField(FunctionItem, blank=True, related_name="positions", verbose_name=_("承担事项"))
    duties = models.JSONField(default=list, blank=True, verbose_name=_("工作职责"))
    qualifications = models.JSONField(default=list, blank=True, verbose_name=_("任职资格"))
    assessment_criteria = models.JSONField(default=list, blank=True, verbose_name=_("考核标准"))
    training_requirements = models.JSONField(default=list, blank=True, verbose_name=_("培训要求"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        ordering = ["post__unit__path", "post__code"]
        verbose_name = _("职位说明书")
        verbose_name_plural = _("职位说明书")

    def __str__(self) -> str:
        return str(self.post)


class DraftBatch(models.Model):
    """A draft adjustment batch (调整批次草案): proposed changes to the catalogue — from the 编办's own
    review, or from evaluation's recalibration (loop 1) — that the 编办 (``administer_duties``)
    approves or rejects one by one. An approved change is applied under a :class:`ReformBatch`
    named after the draft batch and the day of approval, so the catalogue's versions record it."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("批次名称"))
    note = models.TextField(blank=True, verbose_name=_("说明"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("调整批次草案")
        verbose_name_plural = _("调整批次草案")

    def __str__(self) -> str:
        return self.name


class DraftKind(models.TextChoices):
    ADD = "add", _("新增事项")
    AMEND = "amend", _("修订事项")
    REMOVE = "remove", _("取消事项")


class DraftStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


class DraftChange(models.Model):
    """One proposed change to an item (草案条目): add, amend (``content`` holds the fields to change)
    or remove. ``origin`` names where it came from (e.g. ``evaluation.proposal:12``)."""

    batch = models.ForeignKey(DraftBatch, on_delete=models.CASCADE, related_name="changes",
                              verbose_name=_("调整批次"))
    kind = models.CharField(max_length=8, choices=DraftKind.choices, verbose_name=_("类型"))
    item_code = models.CharField(max_length=64, db_index=True, verbose_name=_("事项编码"))
    # add: the full content (the JSON import form); amend: the fields to change; remove: {}.
    content = models.JSONField(default=dict, blank=True, verbose_name=_("拟调整内容"))
    # The item's content when the change was proposed (amend, remove), to show what it changes.
    base = models.JSONField(default=dict, blank=True, verbose_name=_("提出时的内容"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("相关单位"))
    reason = models.TextField(verbose_name=_("调整理由"))
    # A reason written by code (evaluation's 绩效评估校准建议) as a message (zeren.core.messages), rendered in the
    # reader's language; ``reason`` keeps it in Chinese. A user's reason, or an older row, has no key.
    reason_key = models.CharField(max_length=64, blank=True, verbose_name=_("调整理由模板"))
    reason_params = models.JSONField(default=dict, blank=True, verbose_name=_("调整理由参数"))
    origin = models.CharField(max_length=200, blank=True, verbose_name=_("来源"))
    origin_url = models.CharField(max_length=300, blank=True, verbose_name=_("来源链接"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("提出人"))
    proposed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("提出时间"))
    status = models.CharField(max_length=8, choices=DraftStatus.choices, default=DraftStatus.PENDING,
                              db_index=True, verbose_name=_("状态"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审核时间"))
    decision_reason = models.TextField(blank=True, verbose_name=_("审核意见"))
    applied_batch = models.ForeignKey(ReformBatch, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="draft_changes", verbose_name=_("生效批次"))

    class Meta:
        ordering = ["status", "-proposed_at", "-pk"]
        verbose_name = _("草案条目")
        verbose_name_plural = _("草案条目")
        constraints = [
            models.CheckConstraint(condition=~Q(status="approved") | Q(applied_batch__isnull=False),
                                   name="duties_draft_approved_applied"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_code}"

    @property
    def display_reason(self) -> str:
        """The reason in the active language when code wrote it as a message, else as stored."""
        return messages.render(self.reason_key, self.reason_params, self.reason)
