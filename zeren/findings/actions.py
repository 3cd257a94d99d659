"""Writes to findings (问题线索): raising (idempotent by dedupe key) and moving their status."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from zeren.access.rules import EVALUATE, SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json, field_changes
from zeren.core import bulk
from zeren.core.messages import Message, stored
from zeren.findings.causes import require as require_cause
from zeren.findings.models import Finding, FindingStatus
from zeren.findings.rules import can_move, follow_move
from zeren.org.models import Person, Unit


@dataclass(frozen=True)
class FindingSpec:
    """What a producer knows about a finding it wants raised."""

    dedupe_key: str
    cause: str
    source_app: str
    title: str
    unit_id: int
    evidence_type: str
    evidence_id: str
    evidence_url: str = ""
    occurred_on: date | None = None
    person_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    title_key: str = ""  # the title as a message (zeren.findings.causes.titled)
    title_params: dict[str, Any] = field(default_factory=dict)

    def as_finding(self, raised_at) -> Finding:
        return Finding(raised_at=raised_at, **self.__dict__)


# What an audit entry records of a finding: every field but the status reason's message (a way to show the reason,
# which the entry records as text); entries keep the shape they had before reasons were messages.
AUDITED = [f.attname for f in Finding._meta.concrete_fields if f.name not in ("status_reason_key", "status_reason_params")]


def do_raise_finding(
    *, actor: Any, dedupe_key: str, cause: str, source_app: str, title: str, unit: Unit,
    evidence_type: str, evidence_id: str, evidence_url: str = "", occurred_on: date | None = None,
    person: Person | None = None, details: dict[str, Any] | None = None, reason: str = "",
    title_key: str = "", title_params: dict[str, Any] | None = None,
) -> tuple[Finding, bool]:
    """Raise a finding once (发现问题线索): returns ``(finding, created)``; a known key changes nothing.
    ``cause`` must be declared by its producer (:mod:`zeren.findings.causes`), or this raises
    :class:`~zeren.findings.causes.UnknownCause`."""
    require_cause(cause)
    with transaction.atomic():
        existing = Finding.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing, False
        finding = Finding.objects.create(
            dedupe_key=dedupe_key, cause=cause, source_app=source_app, title=title, unit=unit, person=person,
            evidence_type=evidence_type, evidence_id=str(evidence_id), evidence_url=evidence_url,
            occurred_on=occurred_on, details=details or {}, raised_at=timezone.now(),
            title_key=title_key, title_params=title_params or {},
        )
        record_change(actor=actor, action="findings.raise", obj=finding, before=None,
                      after=snapshot(finding, AUDITED), reason=reason)
        return finding, True


FINDING_COLUMNS = ("dedupe_key", "cause", "source_app", "title", "unit_id", "person_id", "evidence_type",
                   "evidence_id", "evidence_url", "occurred_on", "raised_at", "status", "status_reason", "details",
                   "title_key", "title_params", "status_reason_key", "status_reason_params")


def do_raise_findings(*, actor: Any, specs: list[FindingSpec], reason: str = "", known: set[str] | None = None) -> int:
    """Raise many findings in one go (a scan): the new ones are inserted and ONE audit entry records
    their dedupe keys' SHA-256 digest. Returns how many were new; the keys raised before are added
    to ``known`` when given (a producer whose source holds again can then reopen those).

    Plain SQL, not the ORM: a scan raises thousands at once, and model instances cost more than the
    insert. ``ON CONFLICT (dedupe_key) DO NOTHING`` keeps raising idempotent even against a
    finding raised between the look-up and the insert."""
    if not specs:
        return 0
    for cause in {s.cause for s in specs}:
        require_cause(cause)
    with transaction.atomic():
        table = Finding._meta.db_table
        seen = {key for key, in bulk.select_in(f"SELECT dedupe_key FROM {table} WHERE", "dedupe_key",
                                               [s.dedupe_key for s in specs])}
        if known is not None:
            known.update(seen)
        fresh = {s.dedupe_key: s for s in specs if s.dedupe_key not in seen}
        if not fresh:
            return 0
        ops = connection.ops
        raised_at = ops.adapt_datetimefield_value(timezone.now())
        details, params = Finding._meta.get_field("details"), Finding._meta.get_field("title_params")
        no_params = Finding._meta.get_field("status_reason_params").get_db_prep_save({}, connection)
        rows = [(s.dedupe_key, s.cause, s.source_app, s.title, s.unit_id, s.person_id, s.evidence_type,
                 str(s.evidence_id), s.evidence_url, ops.adapt_datefield_value(s.occurred_on), raised_at,
                 FindingStatus.OPEN.value, "", details.get_db_prep_save(s.details, connection), s.title_key,
                 params.get_db_prep_save(s.title_params, connection), "", no_params)
                for s in fresh.values()]
        bulk.insert(table, FINDING_COLUMNS, rows, conflict="ON CONFLICT (dedupe_key) DO NOTHING")
        digest = hashlib.sha256(canonical_json(sorted(fresh)).encode("utf-8")).hexdigest()
        record_event(actor=actor, action="findings.raise_batch", object_type="findings.finding",
                     object_id=f"batch:{digest[:16]}", changes={"count": len(fresh)}, reason=reason,
                     extra={"sha256": digest, "causes": sorted({s.cause for s in fresh.values()})})
        return len(fresh)


def check_set_finding_status(actor: Any, finding: Finding) -> None:
    """Supervision officers and the performance office move findings within their scope."""
    if not (can(actor, SUPERVISE, finding.unit) or can(actor, EVALUATE, finding.unit)):
        raise PermissionDenied(f"may not handle findings of {finding.unit.code}")


def do_set_finding_status(*, actor: Any, finding: Finding, status: str, reason: str | Message = "") -> Finding:
    """Move a finding along its workflow (受理/整改/不予采纳), with the reason, audited. A reason code
    writes is a :class:`~zeren.core.messages.Message` (shown in the reader's language); a user's, a string."""
    check_set_finding_status(actor, finding)
    reason, reason_key, reason_params = stored(reason)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if not can_move(finding.status, status):
            raise ValidationError({"status": f"cannot move a finding from {finding.status} to {status}"})
        if finding.status == status:
            return finding
        before = snapshot(finding, AUDITED)
        finding.status = status
        finding.status_reason, finding.status_reason_key, finding.status_reason_params = (
            reason, reason_key, reason_params)
        finding.save(update_fields=["status", "status_reason", "status_reason_key", "status_reason_params"])
        record_change(actor=actor, action="findings.set_status", obj=finding, before=before,
                      after=snapshot(finding, AUDITED), reason=reason)
        return finding


def do_follow_source(*, evidence_type: str, evidence_id: str, outcome: str, reason: str | Message, actor: Any = None,
                     cause: str | None = None) -> int:
    """A finding follows its source (问题线索随源流转): when the record behind findings (their
    evidence) is resolved, dismissed or reopened, every finding raised on it moves with it, saying
    why (``reason`` becomes its 处理说明), one audit entry each. ``cause`` narrows the move to the
    findings of one cause (a case can carry a red card and a fee alert, closed separately).
    Returns how many moved; findings already where the outcome leads are left alone."""
    return _follow(evidence_type, [evidence_id], outcome, reason, actor, cause, each=True)


def do_follow_sources(*, evidence_type: str, evidence_ids: Iterable[str], outcome: str, reason: str | Message,
                      actor: Any = None, cause: str | None = None) -> int:
    """:func:`do_follow_source` for many sources of one type at once (a scan or an analysis run
    clearing many): set-wise — one read and one ``UPDATE`` per 500 sources, no model per finding —
    and ONE audit entry naming every finding moved (``extra.findings``) and its source."""
    return _follow(evidence_type, evidence_ids, outcome, reason, actor, cause, each=False)


def _follow(evidence_type: str, evidence_ids: Iterable[str], outcome: str, reason: str | Message, actor: Any,
            cause: str | None, *, each: bool) -> int:
    movable, new_status = follow_move(outcome)
    reason, reason_key, reason_params = stored(reason)
    ids = sorted({str(i) for i in evidence_ids})
    if not ids:
        return 0
    moved: list[tuple[int, str, str, str]] = []  # (pk, evidence id, status and reason before)
    with transaction.atomic():
        for part in bulk.chunks(ids):
            qs = Finding.objects.filter(evidence_type=evidence_type, evidence_id__in=part, status__in=movable)
            if cause is not None:
                qs = qs.filter(cause=cause)
            rows = list(qs.select_for_update().order_by("pk").values_list("pk", "evidence_id", "status", "status_reason"))
            if rows:
                Finding.objects.filter(pk__in=[row[0] for row in rows]).update(
                    status=new_status, status_reason=reason, status_reason_key=reason_key,
                    status_reason_params=reason_params)
                moved += rows
        if not moved:
            return 0
        action = f"findings.follow_{outcome}"
        if each:
            for pk, evidence_id, status, before in moved:
                record_event(actor=actor, action=action, object_type=Finding._meta.label_lower, object_id=str(pk),
                             changes=field_changes({"status": status, "status_reason": before},
                                                   {"status": new_status, "status_reason": reason}),
                             reason=reason, extra={"source": f"{evidence_type}:{evidence_id}"})
        else:
            pks = [row[0] for row in moved]
            digest = hashlib.sha256(canonical_json(pks).encode("utf-8")).hexdigest()
            record_event(actor=actor, action=action, object_type=Finding._meta.label_lower,
                         object_id=f"batch:{digest[:16]}", changes={"status": [sorted({m[2] for m in moved}), new_status],
                                                                    "count": len(moved)},
                         reason=reason, extra={"findings": pks, "evidence_type": evidence_type,
                                               "sources": sorted({m[1] for m in moved}), "cause": cause})
    return len(moved)
