"""Database-backed overrides of the working-day calendar (工作日历), imported from TOML files.

Written only by :mod:`zeren.workcal.actions`; read through :mod:`zeren.workcal.selectors`,
which applies them on top of the packaged official schedule (:mod:`zeren.workdays`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    """What an override makes of its day (cf. ``zeren.workdays.DayKind``)."""

    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("上班 (调休)")


class CalendarOverride(models.Model):
    """One day declared a holiday (放假) or a working day (上班) by an imported file."""

    day = models.DateField(unique=True, verbose_name=_("日期"))
    kind = models.CharField(max_length=16, choices=OverrideKind.choices, verbose_name=_("类型"))
    label = models.CharField(max_length=200, verbose_name=_("名称"))
    source_file = models.CharField(max_length=500, verbose_name=_("来源文件"))
    source = models.CharField(max_length=500, blank=True, verbose_name=_("依据"))
    imported_at = models.DateTimeField(verbose_name=_("导入时间"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OverrideKind.values), name="workcal_override_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()} {self.label}"


class OfficialYear(models.Model):
    """A year whose full official schedule was imported: no longer provisional (暂定)."""

    year = models.PositiveSmallIntegerField(unique=True, verbose_name=_("年度"))
    source_file = models.CharField(max_length=500, verbose_name=_("来源文件"))
    source = models.CharField(max_length=500, blank=True, verbose_name=_("依据"))
    imported_at = models.DateTimeField(verbose_name=_("导入时间"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("已公布节假日安排的年度")
        verbose_name_plural = _("已公布节假日安排的年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarVersion(models.Model):
    """A single row counting changes to the overrides; processes rebuild their calendar when
    it moves (see ``zeren.workcal.selectors.get_calendar``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("工作日历版本")

    def __str__(self) -> str:
        return f"calendar version {self.version}"
