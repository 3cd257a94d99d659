"""Urges and escalations (催办、提级督办) of work items, the workbench's own record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UrgeLevel(models.TextChoices):
    URGE = "urge", _("催办")
    ESCALATE = "escalate", _("提级督办")


class Urge(models.Model):
    """A supervision officer's urge (催办) of a unit about one work item, or an escalation (提级督办) of
    it to the unit's government. It is a record only: it changes nothing of the item and raises nothing
    by itself; the urged unit and the government escalated to see it on their workbenches."""

    kind = models.CharField(max_length=64, verbose_name=_("事项类型"))  # the workbench queue, e.g. targets.notice
    object_type = models.CharField(max_length=64, verbose_name=_("对象类型"))
    object_id = models.CharField(max_length=64, verbose_name=_("对象ID"))
    title = models.CharField(max_length=300, verbose_name=_("事项"))
    level = models.CharField(max_length=16, choices=UrgeLevel.choices, default=UrgeLevel.URGE,
                             verbose_name=_("方式"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="urges", verbose_name=_("被催办单位"))
    escalated_to = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("提级至"))
    due = models.DateField(null=True, blank=True, verbose_name=_("办理期限"))
    note = models.TextField(blank=True, verbose_name=_("催办意见"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("催办人"))
    at = models.DateTimeField(db_index=True, verbose_name=_("催办时间"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        indexes = [models.Index(fields=["object_type", "object_id"], name="cockpit_urge_object")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.object_type}:{self.object_id}"

    @property
    def ref(self) -> str:
        return f"{self.object_type}:{self.object_id}"
