"""The oversight network's work queues (zeren.core.boards): referrals (移送) the supervision side must
register and then report on within their working-day limits, and disclosures (阳光工程公开清单) a unit
must publish by their due date."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, DateField, F, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zeren.access.rules import SUPERVISE
from zeren.access.scope import scope_queryset
from zeren.core.boards import Queue, QueueItem, QueueScope
from zeren.oversight.models import Referral, ReferralStatus
from zeren.oversight.selectors import _ancestor_paths, requirements_for


def _received(scope: QueueScope) -> QuerySet[Referral]:
    """Referrals the user's side receives: about units they supervise, not made by their own body."""
    qs = scope_queryset(scope.user, Referral.objects.select_related("unit", "from_body__unit", "to_body__unit"),
                        capability=SUPERVISE)
    home = getattr(scope.user, "unit", None)
    return qs.exclude(from_body__unit__path__in=_ancestor_paths(home.path)) if home is not None else qs


def referrals_open(scope: QueueScope) -> QuerySet[Referral]:
    due = Case(When(status=ReferralStatus.REFERRED, then=F("register_due")), default=F("report_due"),
               output_field=DateField())
    return _received(scope).exclude(status=ReferralStatus.REPORTED).annotate(due_on=due)


def referrals_closed(scope: QueueScope) -> QuerySet[Referral]:
    return _received(scope).filter(status=ReferralStatus.REPORTED)


def referral_row(r: Any) -> QueueItem:
    return QueueItem("oversight.referral", f"oversight.referral:{r.pk}", f"{r.number} {r.title}", r.unit.code,
                     r.unit.name, r.unit.name_en, getattr(r, "due_on", None), reverse("oversight:referral", args=[r.pk]),
                     r.get_status_display(), r.reported_on)


def disclosures_open(scope: QueueScope) -> QuerySet[Any]:
    return requirements_for(scope.user).filter(met_on__isnull=True)


def disclosures_closed(scope: QueueScope) -> QuerySet[Any]:
    return requirements_for(scope.user).filter(met_on__isnull=False)


def disclosure_row(d: Any) -> QueueItem:
    return QueueItem("oversight.disclosure", f"oversight.disclosurerequirement:{d.pk}",
                     f"{d.get_category_display()}：{d.title}", d.unit.code, d.unit.name, d.unit.name_en, d.due_on,
                     reverse("oversight:checklist"), str(_("已公开")) if d.met_on else str(_("待公开")), d.met_on)


QUEUES = [
    Queue("oversight.referral", _("移送案件待登记或反馈"), 70, referrals_open, referrals_closed, referral_row,
          due="due_on", done_on="reported_on", who=SUPERVISE),
    Queue("oversight.disclosure", _("应公开事项"), 71, disclosures_open, disclosures_closed, disclosure_row,
          due="due_on", done_on="met_on"),
]
