"""Users, roles and their scope in the org tree (权限)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the system. The anonymous public has no role row."""

    STAFF = "staff", _("工作人员")
    UNIT_HEAD = "unit_head", _("单位负责人")
    SUPERVISION_OFFICER = "supervision_officer", _("监察人员")
    PERFORMANCE_OFFICER = "performance_officer", _("绩效管理人员")
    LEADER = "leader", _("政府领导")
    ESTABLISHMENT_OFFICER = "establishment_officer", _("编办人员")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    """A log-in, linked to the person it belongs to (if any) and their home unit."""

    person = models.OneToOneField(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user", verbose_name=_("人员")
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="users", verbose_name=_("所在单位")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def unit_code(self) -> str:
        return self.unit.code if self.unit_id else ""


class RoleAssignment(models.Model):
    """A role held over a unit subtree: the scope is ``scope_unit`` and everything below it.

    Staff and heads hold their role over their own unit; a supervision officer over the
    government the supervision body oversees; a leader over their whole government.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("用户"))
    role = models.CharField(max_length=32, choices=Role.choices, verbose_name=_("角色"))
    scope_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("权限范围")
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role", "scope_unit"], name="access_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.scope_unit}"
