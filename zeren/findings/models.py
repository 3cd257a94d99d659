"""Findings (问题线索): what the feedback loops carry from producers to consumers.

Supervision (red cards, irregular fees, skipped steps), targets (missed milestones) and
complaints write findings; accountability turns them into candidate fault cases and
evaluation into recalibration proposals. A finding names its subject (a unit and, where known,
a person), its cause, and links back to the record that proves it (evidence). Its
``dedupe_key`` makes raising idempotent: a finding is raised once however many scans run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zeren.core import messages
from zeren.findings.causes import render_title


class FindingStatus(models.TextChoices):
    """Where a finding stands. Open states first; a consumer moves it on."""

    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已受理")
    RESOLVED = "resolved", _("已整改")
    DISMISSED = "dismissed", _("不予采纳")


OPEN_STATUSES = frozenset({FindingStatus.OPEN, FindingStatus.ACCEPTED})
# Allowed moves of the finding workflow (状态流转); anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.ACCEPTED, FindingStatus.DISMISSED}),
    FindingStatus.ACCEPTED: frozenset({FindingStatus.RESOLVED, FindingStatus.DISMISSED}),
    FindingStatus.RESOLVED: frozenset({FindingStatus.ACCEPTED}),
    FindingStatus.DISMISSED: frozenset({FindingStatus.OPEN}),
}


class Finding(models.Model):
    """One finding (问题线索) about a unit or person, with a link to its evidence."""

    dedupe_key = models.CharField(max_length=200, unique=True, verbose_name=_("去重键"))
    cause = models.CharField(max_length=64, db_index=True, verbose_name=_("问题类型"))
    source_app = models.CharField(max_length=32, db_index=True, verbose_name=_("来源模块"))
    title = models.CharField(max_length=300, verbose_name=_("标题"))
    # The title as a message (zeren.findings.causes TITLES): its key and parameters, so the pages render it in
    # the reader's language; ``title`` keeps it in Chinese (search, exports of old versions, findings raised
    # before titles were messages, which show ``title`` as it is).
    title_key = models.CharField(max_length=64, blank=True, verbose_name=_("标题模板"))
    title_params = models.JSONField(default=dict, blank=True, verbose_name=_("标题参数"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="findings", verbose_name=_("责任单位"))
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="findings",
        verbose_name=_("责任人"),
    )
    evidence_type = models.CharField(max_length=64, verbose_name=_("证据对象类型"))
    evidence_id = models.CharField(max_length=128, verbose_name=_("证据对象ID"))
    evidence_url = models.CharField(max_length=500, blank=True, verbose_name=_("证据链接"))
    occurred_on = models.DateField(null=True, blank=True, verbose_name=_("发生日期"))
    raised_at = models.DateTimeField(db_index=True, verbose_name=_("发现时间"))
    status = models.CharField(
        max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True,
        verbose_name=_("状态"),
    )
    status_reason = models.TextField(blank=True, verbose_name=_("处理说明"))
    # A reason written by code (立案问责, 目标已于…完成, a scan's) as a message (zeren.core.messages): its key and
    # parameters, rendered in the reader's language; ``status_reason`` keeps it in Chinese. A reason a user
    # wrote, or one written before reasons were messages, has no key and shows as stored.
    status_reason_key = models.CharField(max_length=64, blank=True, verbose_name=_("处理说明模板"))
    status_reason_params = models.JSONField(default=dict, blank=True, verbose_name=_("处理说明参数"))
    details = models.JSONField(default=dict, blank=True, verbose_name=_("详情"))

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        indexes = [models.Index(fields=["evidence_type", "evidence_id"], name="findings_evidence_idx")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language (rendered from its message when it has one)."""
        return render_title(self.title_key, self.title_params, self.title)

    @property
    def display_status_reason(self) -> str:
        """The status reason (处理说明) in the active language when code wrote it as a message, else as stored."""
        return messages.render(self.status_reason_key, self.status_reason_params, self.status_reason)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
