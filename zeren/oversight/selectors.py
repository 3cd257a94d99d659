"""Reads of the oversight network, always scoped to what the user (or the public) may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zeren.access.rules import SUPERVISE
from zeren.access.scope import can, scope_paths, scope_queryset
from zeren.findings.models import OPEN_STATUSES, Finding
from zeren.org.models import display_name_of, name_order
from zeren.oversight import rules
from zeren.oversight.actions import belongs_to
from zeren.oversight.models import (
    PUBLIC_STATUSES,
    Attachment,
    Body,
    BodyKind,
    DisclosureRequirement,
    ExternalEvaluation,
    InspectionIssue,
    IssueStatus,
    JointInspection,
    JointMeeting,
    MeetingTask,
    Publication,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    ReferralType,
    RuleAdoption,
)


def _ancestor_paths(path: str) -> list[str]:
    """``"/A/B/C/"`` → ``["/A/", "/A/B/", "/A/B/C/"]``: the unit and its ancestors."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


# --- 阳光工程 -------------------------------------------------------------------------------------


def public_publications(*, q: str = "", category: str = "", unit: str = "", year: int | None = None) -> QuerySet[Publication]:
    """What the public sees (已公开 and 已撤回, never drafts), newest first, searched and filtered."""
    qs = Publication.objects.filter(status__in=PUBLIC_STATUSES).select_related("unit")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q) | Q(unit__name__icontains=q))
    if category:
        qs = qs.filter(category=category)
    if unit:
        qs = qs.filter(unit__code=unit)
    if year:
        qs = qs.filter(issued_on__year=year)
    return qs


def get_public_publication(pk: int) -> Publication:
    return get_object_or_404(public_publications(), pk=pk)


def publications_for(user: Any, *, status: str = "", q: str = "") -> QuerySet[Publication]:
    """The register as staff see it: their units' items in every state (the public pages show the
    published items of every unit)."""
    qs = scope_queryset(user, Publication.objects.select_related("unit"))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q))
    return qs.order_by("-created_at", "-id")


def get_publication_for(user: Any, pk: int) -> Publication:
    return get_object_or_404(publications_for(user), pk=pk)


def attachments_of(obj: Any) -> QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=obj._meta.label_lower, owner_id=obj.pk).defer("content")


def requirements_for(user: Any, *, overdue_on: date | None = None) -> QuerySet[DisclosureRequirement]:
    """The disclosure checklist of the units in scope; ``overdue_on`` keeps the overdue ones."""
    qs = scope_queryset(user, DisclosureRequirement.objects.select_related("unit"))
    if overdue_on is not None:
        qs = qs.filter(met_on__isnull=True, due_on__lt=overdue_on)
    return qs


# --- 移送处理 -------------------------------------------------------------------------------------


def _referrer_paths(user: Any) -> list[str]:
    """The paths of the user's home unit and its ancestors: a referral by any of them is theirs."""
    unit = getattr(user, "unit", None)
    return _ancestor_paths(unit.path) if unit is not None else []


def referrals_for(user: Any, *, status: str = "", type: str = "", body: int | None = None) -> QuerySet[Referral]:
    """Referrals the user may see: those about units under their supervision scope, and those their
    own body made (which they see as status only, see :func:`referral_view_for`)."""
    qs = Referral.objects.select_related("from_body__unit", "to_body__unit", "unit")
    mine = Q(from_body__unit__path__in=_referrer_paths(user))
    qs = scope_queryset(user, qs, capability=SUPERVISE, public=mine if getattr(user, "unit", None) else None)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if body:
        qs = qs.filter(Q(to_body_id=body) | Q(from_body_id=body))
    return qs


def referral_view_for(user: Any, referral: Referral) -> str:
    """``"full"`` or ``"status"`` (see :func:`zeren.oversight.rules.referral_view`); 404 for anyone else."""
    view = rules.referral_view(belongs_to_referrer=belongs_to(user, referral.from_body),
                               supervises_unit=can(user, SUPERVISE, referral.unit))
    if not view:
        raise Http404
    return view


def get_referral_for(user: Any, pk: int) -> tuple[Referral, str]:
    referral = get_object_or_404(referrals_for(user), pk=pk)
    return referral, referral_view_for(user, referral)


def referral_statistics(user: Any, *, year: int | None = None) -> dict[str, list[tuple[str, int]]]:
    """Counts of the referrals in scope by source body kind, type, outcome and status (移送统计),
    as ``(label, count)``, largest first; referrals not yet reported count under "尚未反馈"."""
    qs = referrals_for(user)
    if year:
        qs = qs.filter(referred_on__year=year)
    labels = {"source": dict(BodyKind.choices), "type": dict(ReferralType.choices),
              "outcome": {**dict(ReferralOutcome.choices), "": _("尚未反馈")}, "status": dict(ReferralStatus.choices)}
    stats: dict[str, list[tuple[str, int]]] = {}
    for key, field in (("source", "from_body__kind"), ("type", "type"), ("outcome", "outcome"), ("status", "status")):
        counts = qs.order_by().values_list(field).annotate(n=Count("id")).order_by("-n")
        stats[key] = [(str(labels[key].get(value, value)), n) for value, n in counts]
    return stats


def referring_bodies_of(user: Any) -> QuerySet[Body]:
    """The referring bodies (finance, audit, legal, HR) the user works in."""
    return Body.objects.filter(unit__path__in=_referrer_paths(user)).exclude(kind=BodyKind.SUPERVISION)


def competent_bodies(unit_path: str) -> QuerySet[Body]:
    """The supervision bodies that oversee a unit, nearest (lowest) first."""
    return (Body.objects.filter(kind=BodyKind.SUPERVISION, jurisdiction__path__in=_ancestor_paths(unit_path))
            .select_related("unit", "jurisdiction").order_by("-jurisdiction__path"))


# --- 垂直网络 -------------------------------------------------------------------------------------


@dataclass
class BodyLoad:
    """One supervision body's case load as its superior sees it (下级监察机关工作情况)."""

    body: Body
    findings_open: int
    received: int
    open: int
    overdue: int
    registered: int
    registered_on_time: int
    inspections: int
    issues_overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return rules.on_time_rate(self.registered_on_time, self.registered)


def supervision_bodies_for(user: Any) -> QuerySet[Body]:
    """The supervision bodies whose jurisdiction lies in the user's supervision scope (self and lower)."""
    return scope_queryset(user, Body.objects.filter(kind=BodyKind.SUPERVISION).select_related("unit", "jurisdiction"),
                          unit_path_field="jurisdiction__path", capability=SUPERVISE)


def network_loads(user: Any, today: date) -> list[BodyLoad]:
    """For each supervision body in scope: open findings in its jurisdiction, referrals received,
    open and overdue, on-time registration, inspections led and their overdue rectifications.

    A fixed number of grouped queries whatever the number of bodies.
    """
    bodies = list(supervision_bodies_for(user))
    if not bodies:
        return []
    ref = Referral.objects.filter(to_body__in=bodies).order_by().values("to_body")
    received = dict(ref.annotate(n=Count("id")).values_list("to_body", "n"))
    open_ = dict(ref.exclude(status=ReferralStatus.REPORTED).annotate(n=Count("id")).values_list("to_body", "n"))
    overdue_q = (Q(status=ReferralStatus.REFERRED, register_due__lt=today)
                 | Q(status=ReferralStatus.REGISTERED, report_due__lt=today))
    overdue = dict(ref.filter(overdue_q).annotate(n=Count("id")).values_list("to_body", "n"))
    registered = dict(ref.filter(registered_on__isnull=False).annotate(n=Count("id")).values_list("to_body", "n"))
    on_time = dict(ref.filter(registered_on__isnull=False, registered_on__lte=F("register_due"))
                   .annotate(n=Count("id")).values_list("to_body", "n"))
    inspections = dict(JointInspection.objects.filter(lead__in=bodies).order_by().values("lead")
                       .annotate(n=Count("id")).values_list("lead", "n"))
    late_issues = dict(InspectionIssue.objects.filter(inspection__lead__in=bodies, status=IssueStatus.OPEN,
                                                      rectify_due__lt=today)
                       .order_by().values("inspection__lead").annotate(n=Count("id"))
                       .values_list("inspection__lead", "n"))
    # Open findings per jurisdiction: counted per unit path prefix of the bodies' jurisdictions.
    findings = Counter()
    paths = {b.jurisdiction.path: b.pk for b in bodies}
    for unit_path, n in (Finding.objects.filter(status__in=OPEN_STATUSES).order_by().values("unit__path")
                         .annotate(n=Count("id")).values_list("unit__path", "n")):
        for prefix in _ancestor_paths(unit_path):
            if prefix in paths:
                findings[paths[prefix]] += n
    return [BodyLoad(body=b, findings_open=findings[b.pk], received=received.get(b.pk, 0), open=open_.get(b.pk, 0),
                     overdue=overdue.get(b.pk, 0), registered=registered.get(b.pk, 0),
                     registered_on_time=on_time.get(b.pk, 0), inspections=inspections.get(b.pk, 0),
                     issues_overdue=late_issues.get(b.pk, 0)) for b in bodies]


def rule_adoptions_for(user: Any) -> QuerySet[RuleAdoption]:
    return scope_queryset(user, RuleAdoption.objects.select_related("unit"))


# --- 联席会议 -------------------------------------------------------------------------------------


def meetings_for(user: Any) -> QuerySet[JointMeeting]:
    """Meetings convened by a supervision body in the user's scope, or with the user's body as a member."""
    mine = Q(members__unit__path__in=_referrer_paths(user)) if getattr(user, "unit", None) else None
    return scope_queryset(user, JointMeeting.objects.select_related("convener__unit"),
                          unit_path_field="convener__jurisdiction__path", public=mine).distinct()


def get_meeting_for(user: Any, pk: int) -> JointMeeting:
    return get_object_or_404(meetings_for(user), pk=pk)


def tasks_of(meeting: JointMeeting) -> QuerySet[MeetingTask]:
    return meeting.tasks.select_related("owner__unit")


@dataclass
class AgendaDraft:
    """What the data puts on the next meeting's agenda (数据生成议程)."""

    since: date | None
    red_card_units: list[tuple[str, int]]
    overdue_targets: list[tuple[str, int]]
    open_referrals: list[Referral]
    last_tasks: list[MeetingTask]

    def as_text(self, today: date) -> str:
        """The agenda in the UI's language (the user edits it, and it is kept as written)."""
        none = ["  " + _("（无）")]
        lines = [_("一、红牌预警最多的单位")]
        lines += [f"  {i}. " + ngettext("%(unit)s：%(n)s 张红牌", "%(unit)s：%(n)s 张红牌", n) % {"unit": name, "n": n}
                  for i, (name, n) in enumerate(self.red_card_units, 1)] or none
        lines.append(_("二、逾期未完成的目标"))
        lines += [f"  {i}. " + ngettext("%(unit)s：%(n)s 项", "%(unit)s：%(n)s 项", n) % {"unit": name, "n": n}
                  for i, (name, n) in enumerate(self.overdue_targets, 1)] or none
        lines.append(_("三、上次会议以来的未办结移送案件"))
        lines += [f"  {i}. {r.number} " + _("%(unit)s：%(title)s（%(status)s）") % {
            "unit": r.unit.display_name, "title": r.title, "status": r.get_status_display()}
            for i, r in enumerate(self.open_referrals, 1)] or none
        lines.append(_("四、上次会议议定事项落实情况"))
        lines += [f"  {i}. " + _("%(unit)s：%(decision)s（%(state)s，期限 %(due)s）") % {
            "unit": t.owner.unit.display_name, "decision": t.decision[:60], "due": f"{t.due_on:%Y-%m-%d}",
            "state": _("已办结") if t.done_on else (_("逾期") if today > t.due_on else _("办理中"))}
            for i, t in enumerate(self.last_tasks, 1)] or none
        return "\n".join(lines)


def draft_agenda(convener: Body, today: date, top: int = 5) -> AgendaDraft:
    """The agenda the data suggests for the convener's next meeting: units with the most red cards
    since the last meeting (电子监察红牌), units with the most targets still overdue (findings
    ``targets.overdue``), referrals received since then and still open, and the last meeting's
    follow-ups and their state."""
    last = JointMeeting.objects.filter(convener=convener, held_on__lte=today).order_by("-held_on", "-id").first()
    since = last.held_on if last else None
    scope = convener.jurisdiction.path
    open_findings = Finding.objects.filter(unit__path__startswith=scope, status__in=OPEN_STATUSES).order_by()
    red_cards = open_findings.filter(source_app="supervision", cause="red_card")
    if since:
        red_cards = red_cards.filter(raised_at__date__gt=since)

    def top_units(qs: QuerySet[Finding]) -> list[tuple[str, int]]:
        return list(qs.values(unit_label=display_name_of("unit__")).annotate(n=Count("id")).order_by("-n", name_order("unit__"))
                    .values_list("unit_label", "n")[:top])

    referrals = Referral.objects.filter(to_body=convener).exclude(status=ReferralStatus.REPORTED)
    if since:
        referrals = referrals.filter(referred_on__gt=since)
    return AgendaDraft(
        since=since,
        red_card_units=top_units(red_cards),
        # Targets still overdue, however long ago they fell due (zeren.targets raises them).
        overdue_targets=top_units(open_findings.filter(source_app="targets", cause="targets.overdue")),
        open_referrals=list(referrals.select_related("unit").order_by("referred_on")[:20]),
        last_tasks=list(tasks_of(last)) if last else [],
    )


# --- 联合检查 -------------------------------------------------------------------------------------


def inspections_for(user: Any) -> QuerySet[JointInspection]:
    """Inspections led by a body in the user's supervision scope, or with their body in the team,
    or targeting their unit (which then sees its own rectification requests)."""
    paths = _referrer_paths(user)
    extra = (Q(team__unit__path__in=paths) | Q(targets__path__in=paths)) if paths else None
    return scope_queryset(user, JointInspection.objects.select_related("lead__unit"),
                          unit_path_field="lead__jurisdiction__path", capability=SUPERVISE, public=extra).distinct()


def get_inspection_for(user: Any, pk: int) -> JointInspection:
    return get_object_or_404(inspections_for(user), pk=pk)


# --- 外部监督 -------------------------------------------------------------------------------------


def external_evaluations_for(user: Any) -> QuerySet[ExternalEvaluation]:
    return scope_queryset(user, ExternalEvaluation.objects.select_related("unit"))


def can_supervise_somewhere(user: Any) -> bool:
    return bool(scope_paths(user, SUPERVISE))
