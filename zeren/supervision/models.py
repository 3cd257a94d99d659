"""Electronic supervision of administrative approvals (行政审批电子监察).

Departments' own approval systems (``SourceSystem``) push events (``ApprovalEvent``) about cases
(``ApprovalCase``, 办件) of approval items (``ApprovalItem``, 审批事项). Each case keeps its
current state denormalised — recomputed from its full event list whenever an event arrives — so a
scan over a whole city's open cases reads a few integer columns. The scan raises ``Alert`` s
(yellow and red cards, irregular handling) with a lifecycle of their own; rules per city, unit or
item are ``RuleConfig`` rows. Invalid events are kept in ``RejectedEvent`` with their reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from zeren.core.fields import RowidAutoField


class EventType(models.TextChoices):
    """What happened to a case (办件环节)."""

    RECEIVED = "received", _("受理")
    STEP_COMPLETED = "step_completed", _("环节办结")
    SUSPENDED = "suspended", _("暂停计时")
    RESUMED = "resumed", _("恢复计时")
    FEE_CHARGED = "fee_charged", _("收费")
    DECIDED = "decided", _("作出决定")
    DELIVERED = "delivered", _("送达")
    WITHDRAWN = "withdrawn", _("撤回")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")


# The names of the handling steps (办理环节) the city's systems report by code. A code not listed here
# (a system's own step) is shown as the system reported it.
STEP_LABELS = {
    "accept": _("受理"), "review": _("审查"), "inspect": _("现场核查"), "hearing": _("听证"),
    "expert": _("专家评审"), "publicity": _("公示"), "approve": _("审批"), "decide": _("决定"), "deliver": _("送达"),
}


class AlertType(models.TextChoices):
    """The kinds of alert (预警/告警) the scan raises."""

    YELLOW_CARD = "yellow_card", _("黄牌预警")
    RED_CARD = "red_card", _("红牌（超法定时限）")
    PROMISE_BROKEN = "promise_broken", _("超承诺时限")
    FEE_OVER_STANDARD = "fee_over_standard", _("超标准收费")
    MISSING_STEP = "missing_step", _("缺少必经环节")
    ORDER_VIOLATION = "order_violation", _("环节顺序违规")
    SUSPENSION_ABUSE = "suspension_abuse", _("滥用暂停计时")
    STEP_OVERTIME = "step_overtime", _("环节超时")
    DENIED_WITHOUT_REASON = "denied_without_reason", _("不予许可未说明理由")
    LATE_ENTRY = "late_entry", _("补录数据")


class AlertStatus(models.TextChoices):
    """An alert's lifecycle: open → acknowledged → explained or corrected → closed."""

    OPEN = "open", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    EXPLAINED = "explained", _("已说明")
    CORRECTED = "corrected", _("已纠正")
    CLOSED = "closed", _("已办结")


class ApprovalItem(models.Model):
    """An administrative approval item (行政许可事项) with its time limits and fee standard.

    ``statutory_days`` is the 法定时限 and ``promised_days`` the 承诺时限, both in working days
    (行政许可法 第四十二条、第八十二条). ``step_limits`` optionally gives a limit per step code.
    """

    code = models.CharField(max_length=64, unique=True, verbose_name=_("事项编码"))
    name = models.CharField(max_length=200, verbose_name=_("事项名称"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="approval_items",
                             verbose_name=_("办理单位"))
    duty_code = models.CharField(max_length=64, blank=True, verbose_name=_("权责事项编码"),
                                 help_text=_("对应权责清单中的行政许可事项（如有）"))
    statutory_days = models.PositiveSmallIntegerField(verbose_name=_("法定时限（工作日）"))
    promised_days = models.PositiveSmallIntegerField(verbose_name=_("承诺时限（工作日）"))
    yellow_threshold_days = models.PositiveSmallIntegerField(default=2, verbose_name=_("黄牌预警提前（工作日）"))
    fee_standard = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"),
                                       verbose_name=_("收费标准（元）"))
    required_steps = models.JSONField(default=list, blank=True, verbose_name=_("必经环节"))
    step_limits = models.JSONField(default=dict, blank=True, verbose_name=_("环节时限（工作日）"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        constraints = [
            models.CheckConstraint(condition=Q(promised_days__lte=F("statutory_days")),
                                   name="supervision_item_promise_within_statute"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleConfig(models.Model):
    """Thresholds and enabled alert types for the city (no unit, no item), a unit subtree, or an item.

    The most specific row wins field by field: item, then the nearest unit up the tree, then the
    city row, then the built-in defaults of :mod:`zeren.supervision.rules`.
    """

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="supervision_rules", verbose_name=_("单位"))
    item = models.ForeignKey(ApprovalItem, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="rules", verbose_name=_("事项"))
    yellow_threshold_days = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("黄牌预警提前"))
    suspension_limit = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("暂停次数上限"))
    late_entry_hours = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("补录时限（小时）"))
    enabled_types = models.JSONField(null=True, blank=True, verbose_name=_("启用的告警类型"))

    class Meta:
        verbose_name = _("监察规则")
        verbose_name_plural = _("监察规则")
        constraints = [
            # One row per scope, the city row (no unit, no item) included. Written over
            # COALESCE(…, 0) rather than with nulls_distinct=False, which SQLite cannot enforce
            # (Django's W047): ids start at 1, so 0 stands for "none" on both databases.
            models.UniqueConstraint(Coalesce("unit", Value(0), output_field=models.BigIntegerField()),
                                    Coalesce("item", Value(0), output_field=models.BigIntegerField()),
                                    name="supervision_rule_scope_unique"),
            models.CheckConstraint(condition=Q(unit__isnull=True) | Q(item__isnull=True),
                                   name="supervision_rule_one_scope"),
        ]

    def __str__(self) -> str:
        return f"rules for {self.item or self.unit or 'city'}"


class CatalogVersion(models.Model):
    """One row: the version of what ingestion and the scan read about items, units and rule
    configuration, so each process knows when to reload its cached catalogue
    (:func:`zeren.supervision.catalog.get_catalog`). A new random token at every change, not a
    counter: a rolled-back change cannot make an old number current again."""

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalogue version {self.token}"


class SourceSystem(models.Model):
    """A department's approval system allowed to push events, scoped to its unit subtree.

    Only the SHA-256 of its bearer token is stored. ``unit`` empty = every unit (the city's
    exchange platform, or files loaded by ``zeren ingest``).
    """

    code = models.CharField(max_length=64, unique=True, verbose_name=_("系统代码"))
    name = models.CharField(max_length=200, verbose_name=_("系统名称"))
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="approval_sources", verbose_name=_("所属单位"))
    token_sha256 = models.CharField(max_length=64, unique=True, verbose_name=_("令牌哈希"))
    active = models.BooleanField(default=True, verbose_name=_("启用"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("报送系统")
        verbose_name_plural = _("报送系统")

    def __str__(self) -> str:
        return self.name


class IngestBatch(models.Model):
    """One accepted batch of events (one HTTP request, or one chunk of a file)."""

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="batches")
    received_at = models.DateTimeField(verbose_name=_("接收时间"))
    accepted = models.PositiveIntegerField(default=0, verbose_name=_("接收"))
    duplicates = models.PositiveIntegerField(default=0, verbose_name=_("重复"))
    rejected = models.PositiveIntegerField(default=0, verbose_name=_("拒收"))
    sha256 = models.CharField(max_length=64, verbose_name=_("批次摘要"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("报送批次")
        verbose_name_plural = _("报送批次")

    def __str__(self) -> str:
        return f"batch {self.pk} from {self.source_id}: {self.accepted} accepted"


# A case with any irregularity flag (rare): the scan reads these through a partial index.
FLAGGED = (Q(fee_exceeded_on__isnull=False) | Q(missing_step_on__isnull=False) | Q(order_violation_on__isnull=False)
           | Q(suspension_abuse_on__isnull=False) | Q(step_overtime_on__isnull=False)
           | Q(denied_without_reason_on__isnull=False) | Q(late_entry_on__isnull=False))


class ApprovalCase(models.Model):
    """A case (办件): its current state, recomputed from all of its events, denormalised for scans.

    Dates are local (Asia/Shanghai) dates. Deadlines count closed suspensions as extensions
    (行政许可法 第四十五条). The ``*_on`` columns are the dates irregularities were first seen
    (NULL = none). ``rescan`` is set whenever new events arrive, cleared by a scan that saw them.
    """

    id = RowidAutoField(primary_key=True)  # cases are never deleted (zeren.core.fields)
    # A case number is the reporting system's own: unique per source system, not city-wide (a
    # system cannot claim another department's number and so have that department's events refused).
    case_id = models.CharField(max_length=64, verbose_name=_("办件编号"))
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("报送系统"), db_index=False)
    # No separate FK indexes: the (unit, day) and (item, day) indexes below serve them, and every
    # index costs ingestion time.
    item = models.ForeignKey(ApprovalItem, on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项"),
                             db_index=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="approval_cases",
                             verbose_name=_("办理单位"), db_index=False)
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("受理时间"))
    received_date = models.DateField(verbose_name=_("受理日期"))
    last_event_date = models.DateField(verbose_name=_("最近事件日期"))
    is_open = models.BooleanField(default=True, verbose_name=_("在办"))
    suspended_since = models.DateField(null=True, blank=True, verbose_name=_("暂停计时起"))
    suspension_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("暂停次数"))
    extension_days = models.PositiveIntegerField(default=0, verbose_name=_("暂停延长（工作日）"))
    decided_date = models.DateField(null=True, blank=True, verbose_name=_("决定日期"))
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, verbose_name=_("决定"))
    withdrawn_date = models.DateField(null=True, blank=True, verbose_name=_("撤回日期"))
    delivered_date = models.DateField(null=True, blank=True, verbose_name=_("送达日期"))
    fees_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"), verbose_name=_("收费合计"))
    completed_steps = models.JSONField(default=list, blank=True, verbose_name=_("已办环节"))
    statutory_deadline = models.DateField(verbose_name=_("法定期限"))
    promised_deadline = models.DateField(verbose_name=_("承诺期限"))
    provisional = models.BooleanField(default=False, verbose_name=_("期限暂定"))
    fee_exceeded_on = models.DateField(null=True, blank=True)
    missing_step_on = models.DateField(null=True, blank=True)
    order_violation_on = models.DateField(null=True, blank=True)
    suspension_abuse_on = models.DateField(null=True, blank=True)
    step_overtime_on = models.DateField(null=True, blank=True)
    denied_without_reason_on = models.DateField(null=True, blank=True)
    late_entry_on = models.DateField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0, verbose_name=_("事件数"))
    # The fold version and rules the state was folded by (``rules.fold_tag``): a case whose tag is
    # not its rules' tag now is folded again from its events (``zeren supervision refold``).
    fold = models.TextField(blank=True, default="")
    rescan = models.BooleanField(default=True)
    updated_at = models.DateTimeField(verbose_name=_("更新时间"))

    class Meta:
        ordering = ["-received_date", "case_id"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        # Led by case_id: also the index case pages and projects look a case up by.
        constraints = [models.UniqueConstraint(fields=["case_id", "source"], name="supervision_case_per_source")]
        indexes = [
            models.Index(fields=["unit", "received_date"], name="supervision_case_unit_day"),
            # Also the scan's way to the open cases whose deadline can be near (scanning.load_population):
            # covering, so those rows are read from the index alone.
            models.Index(fields=["item", "received_date", "is_open", "rescan", "last_event_date", "extension_days",
                                 "suspended_since", "unit"], name="supervision_case_item_scan"),
            # The scan's other ways in, so it never reads every open case: cases changed since their
            # last scan, cases with events after a replayed date, cases with an irregularity flag.
            models.Index(fields=["received_date"], condition=Q(rescan=True), name="supervision_case_rescan"),
            models.Index(fields=["last_event_date"], name="supervision_case_last_event"),
            models.Index(fields=["received_date"], condition=FLAGGED, name="supervision_case_flagged"),
        ]

    def __str__(self) -> str:
        return self.case_id

    @property
    def suspended(self) -> bool:
        return self.suspended_since is not None


class ApprovalEvent(models.Model):
    """One event as a department reported it; unique per source system and ``event_id``."""

    id = RowidAutoField(primary_key=True)  # events are never deleted (zeren.core.fields)
    # No index of its own on source: the unique (source, event_id) index serves it; every index on
    # this table costs ingestion time. Nor a database constraint on source and batch, checked for
    # every event written: the source is a copy of the case's own, which the case's constrained
    # foreign key protects, the batch is written in the same transaction, and neither is deleted
    # behind Django's back, which applies on_delete (PROTECT) itself.
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="events", db_index=False,
                               db_constraint=False)
    event_id = models.CharField(max_length=128, verbose_name=_("事件ID"))
    case = models.ForeignKey(ApprovalCase, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=16, choices=EventType.choices, verbose_name=_("类型"))
    at = models.DateTimeField(verbose_name=_("发生时间"))
    recorded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("录入时间"))
    step = models.CharField(max_length=64, blank=True, verbose_name=_("环节"))
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("金额"))
    outcome = models.CharField(max_length=16, blank=True, verbose_name=_("决定"))
    reason = models.TextField(blank=True, verbose_name=_("理由"))
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="events", db_index=False,
                              db_constraint=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        constraints = [models.UniqueConstraint(fields=["source", "event_id"], name="supervision_event_unique")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class RejectedEvent(models.Model):
    """An event that failed validation, kept as received with the reason (naming the field)."""

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="rejected_events")
    received_at = models.DateTimeField(verbose_name=_("接收时间"))
    event_id = models.CharField(max_length=128, blank=True, verbose_name=_("事件ID"))
    field = models.CharField(max_length=32, verbose_name=_("字段"))
    reason = models.TextField(verbose_name=_("原因"))
    payload = models.JSONField(verbose_name=_("原始内容"))
    payload_sha256 = models.CharField(max_length=64, verbose_name=_("内容摘要"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("拒收事件")
        verbose_name_plural = _("拒收事件")
        constraints = [models.UniqueConstraint(fields=["source", "payload_sha256"], name="supervision_reject_once")]

    def __str__(self) -> str:
        return f"{self.event_id or '?'}: {self.reason}"


class Alert(models.Model):
    """An alert on a case (预警/告警), one per case and type, with its handling lifecycle.

    ``since`` is the first day the condition held; ``cleared_on`` the day a scan found it no
    longer holds (e.g. a yellow card once the case is decided). In force on day D:
    ``since <= D`` and not cleared or closed by D.
    """

    # A daily scan writes tens of thousands of alerts, and each index and each foreign-key check
    # costs every one of them. So no single-column indexes on the foreign keys: the case is the
    # first column of supervision_alert_once, the unit of supervision_alert_unit, and nothing reads
    # alerts by item. And no database constraints on the foreign keys (PostgreSQL checked each for
    # every new alert at commit, ≈ 0.3 s each a daily scan): unit and item are copies of the case's
    # own, which its constrained foreign keys protect; a case cannot be deleted behind Django's back
    # either, for its events' constrained foreign key (PROTECT) refuses it; Django still applies
    # on_delete (CASCADE, PROTECT) itself.
    case = models.ForeignKey(ApprovalCase, on_delete=models.CASCADE, related_name="alerts", db_index=False,
                             db_constraint=False)
    type = models.CharField(max_length=24, choices=AlertType.choices, verbose_name=_("类型"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="approval_alerts",
                             db_index=False, db_constraint=False, verbose_name=_("办理单位"))
    item = models.ForeignKey(ApprovalItem, on_delete=models.PROTECT, related_name="alerts", db_index=False,
                             db_constraint=False, verbose_name=_("事项"))
    deadline = models.DateField(null=True, blank=True, verbose_name=_("期限"))
    provisional = models.BooleanField(default=False, verbose_name=_("期限暂定"))
    since = models.DateField(verbose_name=_("起始日期"))
    cleared_on = models.DateField(null=True, blank=True, verbose_name=_("解除日期"))
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN,
                              verbose_name=_("处理状态"))
    note = models.TextField(blank=True, verbose_name=_("说明"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    created_at = models.DateTimeField(verbose_name=_("生成时间"))

    class Meta:
        ordering = ["since", "id"]
        verbose_name = _("告警")
        verbose_name_plural = _("告警")
        constraints = [models.UniqueConstraint(fields=["case", "type"], name="supervision_alert_once")]
        indexes = [
            models.Index(fields=["unit", "status"], name="supervision_alert_unit"),
            models.Index(fields=["type", "since"], name="supervision_alert_type"),
            # The alerts in force, as the scan reads them (covering).
            models.Index(fields=["case", "type", "since", "deadline"], condition=Q(cleared_on__isnull=True),
                         name="supervision_alert_active"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.case_id}"


class ScanRun(models.Model):
    """One run of the scan: what it looked at and what it changed."""

    as_of = models.DateField(verbose_name=_("监察日期"))
    started_at = models.DateTimeField(verbose_name=_("开始时间"))
    seconds = models.FloatField(verbose_name=_("耗时（秒）"))
    cases = models.PositiveIntegerField(verbose_name=_("扫描办件"))
    in_force = models.PositiveIntegerField(verbose_name=_("有效告警"))
    opened = models.PositiveIntegerField(verbose_name=_("新增告警"))
    cleared = models.PositiveIntegerField(verbose_name=_("解除告警"))
    findings = models.PositiveIntegerField(verbose_name=_("新增问题线索"))

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("监察扫描")
        verbose_name_plural = _("监察扫描")

    def __str__(self) -> str:
        return f"scan as of {self.as_of}"
