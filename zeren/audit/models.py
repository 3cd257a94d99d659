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

    def __str__(self) -> str:
        return f"head #{self.seq}"


class Checkpoint(models.Model):
    """A published Merkle root over the entries since the previous checkpoint (检查点).

    In the spirit of Certificate Transparency: anyone who saved a checkpoint can later ask
    for an inclusion proof of any entry in its range and check it against the saved root,
    so the history up to ``last_seq`` cannot be rewritten unnoticed. Checkpoints chain
    through ``prev_hash`` like the entries do.
    """

    first_seq = models.BigIntegerField(verbose_name=_("起始序号"))
    last_seq = models.BigIntegerField(unique=True, verbose_name=_("截止序号"))
    tree_size = models.BigIntegerField(verbose_name=_("树大小"))
    root = models.CharField(max_length=64, verbose_name=_("默克尔根"))
    head_hash = models.CharField(max_length=64, verbose_name=_("链头哈希"))
    created_at = models.DateTimeField(verbose_name=_("时间"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("前一检查点哈希"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("检查点哈希"))

    class Meta:
        ordering = ["last_seq"]
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tree_size=models.F("last_seq") - models.F("first_seq") + 1),
                name="audit_checkpoint_size",
            ),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.pk} #{self.first_seq}–#{self.last_seq}"

    def body(self) -> dict:
        """The fields the checkpoint hash covers."""
        return {
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "tree_size": self.tree_size,
            "root": self.root,
            "head_hash": self.head_hash,
            "created_at": self.created_at.isoformat(),
            "prev_hash": self.prev_hash,
        }
