"""The append-only, hash-chained audit log (审计日志)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One state change of a domain record, chained to the one before it by SHA-256.

    Written only by :func:`zeren.audit.actions.record_event`, inside the transaction of
    the change it records.
    """

    seq = models.BigIntegerField(primary_key=True, verbose_name=_("序号"))
    at = models.DateTimeField(verbose_name=_("时间"))
    actor_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("操作人ID"))
    actor_username = models.CharField(max_length=150, blank=True, verbose_name=_("操作人"))
    actor_unit = models.CharField(max_length=64, blank=True, verbose_name=_("操作人单位"))
    action = models.CharField(max_length=64, db_index=True, verbose_name=_("动作"))
    object_type = models.CharField(max_length=64, verbose_name=_("对象类型"))
    object_id = models.CharField(max_length=128, verbose_name=_("对象ID"))
    changes = models.JSONField(default=dict, blank=True, verbose_name=_("变更"))
    reason = models.TextField(blank=True, verbose_name=_("理由"))
    extra = models.JSONField(default=dict, blank=True, verbose_name=_("附加信息"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("前一哈希"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("哈希"))

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def body(self) -> dict:
        """The fields the hash covers, as plain JSON types."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_unit": self.actor_unit,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "reason": self.reason,
            "extra": self.extra,
        }


class AuditHead(models.Model):
    """The chain's head (one row): locked by every writer so sequence numbers never race."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")
