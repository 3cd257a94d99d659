"""Every write of electronic supervision (行政审批电子监察): sources, items, event ingestion, alerts, scans."""

from __future__ import annotations

import functools
import gc
import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.access.rules import EDIT, SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.core import bulk
from zeren.core.importing import ImportRejected, RowError
from zeren.core.jsoninput import Rejection, canonical_digest, storable_payload, storable_text
from zeren.core.messages import message
from zeren.findings.actions import FindingSpec, do_follow_source
from zeren.findings.causes import titled
from zeren.findings.rules import dedupe_key as finding_key
from zeren.org.models import Unit
from zeren.supervision import casewrite
from zeren.supervision.catalog import Catalog, get_catalog
from zeren.supervision.causes import ALERT_TITLE
from zeren.supervision.columns import NO_TIME, EventColumns, read_columns
from zeren.supervision.events import parse_line
from zeren.supervision.models import (
    Alert,
    AlertStatus,
    ApprovalCase,
    ApprovalItem,
    IngestBatch,
    RejectedEvent,
    ScanRun,
    SourceSystem,
)
from zeren.supervision.rules import FINDING_TYPES, CaseRules, fold_tag, micros

if TYPE_CHECKING:
    from zeren.supervision.scanning import Changes

CLI_SOURCE = "cli"
EVIDENCE = "supervision.approvalcase"  # what a finding of an alert points at: the case
FILE_CHUNK = 100_000  # events per transaction when ingesting a file: bounded memory, restartable


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def do_create_source(*, actor: Any, code: str, name: str, unit: Unit | None) -> tuple[SourceSystem, str]:
    """Register a department's approval system (报送系统); returns it and its bearer token (shown once)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        source = SourceSystem.objects.create(code=code, name=name, unit=unit, token_sha256=token_digest(token))
        record_change(actor=actor, action="supervision.create_source", obj=source, before=None,
                      after=snapshot(source, ["code", "name", "unit_id", "active"]))
    return source, token


def cli_source() -> SourceSystem:
    """The source of files loaded with ``zeren ingest`` (whole city scope), created on first use."""
    source = SourceSystem.objects.filter(code=CLI_SOURCE).first()
    if source is None:
        source, _created = do_create_source(actor=None, code=CLI_SOURCE, name="命令行导入", unit=None)
    return source


@dataclass
class IngestResult:
    """What became of a batch: counts, and each rejection with its position and reason."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)

    def merge(self, other: IngestResult, keep: int = 1000) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.rejections.extend(other.rejections[: max(0, keep - len(self.rejections))])
        self.batches.extend(other.batches)


def _owner(catalog: Catalog, source: SourceSystem, item_code: str, unit_code: str) -> tuple[int, int] | Rejection:
    """The (item pk, unit pk) an event from ``source`` names, if the unit lies in the source's scope
    and handles the item."""
    item, unit = catalog.items.get(item_code), catalog.units.get(unit_code)
    if item is None:
        return Rejection("item_code", f"item_code: unknown approval item {item_code!r}")
    if unit is None:
        return Rejection("unit_code", f"unit_code: unknown unit {unit_code!r}")
    if source.unit_id and not unit[1].startswith(source.unit.path):
        return Rejection("unit_code", f"unit_code: {unit_code!r} is outside the scope of source {source.code!r}")
    if not unit[1].startswith(item.unit_path):
        return Rejection("unit_code", f"unit_code: {unit_code!r} does not handle item {item_code!r}")
    return item.pk, unit[0]


def _rules_of(catalog: Catalog) -> casewrite.RulesOf:
    """The case rules of an (item pk, unit pk) pair and their fold tag, memoised."""
    items = catalog.item_by_pk()

    @functools.cache
    def rules_of(pair: tuple[int, int]) -> tuple[CaseRules, str]:
        rules = catalog.effective(items[pair[0]], pair[1]).case_rules
        return rules, fold_tag(rules)
    return rules_of


def do_ingest_events(*, source: SourceSystem, events: list[Any], catalog: Catalog | None = None,
                     first_index: int = 0) -> IngestResult:
    """Ingest one batch of reported events (办件事件) from ``source``.

    Each event is validated on its own; an invalid one is stored in the rejected store with its
    reason (naming the field) and the rest goes on. A re-delivered ``event_id`` is a duplicate,
    not an error. The valid part commits atomically, with the new state of every case it touched
    and ONE audit entry carrying the SHA-256 of the batch's canonical events. Returns only after
    commit.

    A case's state is the fold of all its events in order (:func:`zeren.supervision.rules.case_state`),
    so arrival order does not matter: see :mod:`zeren.supervision.casewrite`.
    """
    return _ingest(source, *read_columns(events, first_index), catalog or get_catalog())


def _ingest(source: SourceSystem, cols: EventColumns, bad: list[tuple[int, Any, Rejection]],
            catalog: Catalog) -> IngestResult:
    """The transaction of :func:`do_ingest_events`, for a batch already validated as columns."""
    from zeren.workcal.selectors import get_calendar

    cal, now, result = get_calendar(), timezone.now(), IngestResult()
    with transaction.atomic():
        casewrite.lock_ingestion()
        stored = casewrite.load_cases("case_id", list(dict.fromkeys(cols.case_id)), source.pk)
        identity = {c: (item, unit) for c, (_, item, unit) in stored.items()}
        seen = casewrite.known_event_ids(source.pk, cols.event_id)
        pairs = list(zip(cols.item_code, cols.unit_code, strict=True))
        checked = {pair: _owner(catalog, source, *pair) for pair in set(pairs)}
        owns = list(map(checked.__getitem__, pairs))
        keep = np.ones(len(cols), dtype=bool)
        case_own = dict(zip(cols.case_id, owns, strict=True))
        if (seen or len(set(cols.event_id)) < len(cols) or len(set(zip(cols.case_id, owns, strict=True))) > len(case_own)
                or any(isinstance(own, Rejection) for own in checked.values())
                or any(case_own[c] != own for c, own in identity.items())):  # row by row only then
            for n, (event_id, case_id, own) in enumerate(zip(cols.event_id, cols.case_id, owns, strict=True)):
                keep[n] = False
                if isinstance(own, Rejection):
                    problem = own
                elif event_id in seen:  # the first of a re-delivered event counts
                    result.duplicates += 1
                    continue
                elif identity.setdefault(case_id, own) != own:
                    name = "item_code" if identity[case_id][0] != own[0] else "unit_code"
                    problem = Rejection(name, f"{name}: case {case_id!r} belongs to another {name.split('_')[0]}")
                else:
                    keep[n] = True
                    seen.add(event_id)
                    continue
                bad.append((cols.index[n], cols.raw[n], problem))
        else:
            identity.update(case_own)
        if not keep.all():
            cols = cols.take(keep)
        digest = (hashlib.sha256(cols.json).hexdigest() if cols.json is not None else canonical_digest(cols.raw))
        result.accepted = len(cols)
        for index, raw, problem in sorted(bad, key=lambda b: b[0]):
            result.rejected += 1
            event_id = raw.get("event_id") if isinstance(raw, dict) else None
            result.rejections.append({"index": index, "event_id": storable_text(event_id) if isinstance(
                event_id, str) else None, "field": problem.field, "reason": problem.reason})
        if not result.accepted and not bad:
            return result
        batch = IngestBatch.objects.create(source=source, received_at=now, accepted=result.accepted,
                                           duplicates=result.duplicates, rejected=result.rejected, sha256=digest)
        _store_rejected(source, bad, now)
        if result.accepted:
            casewrite.fold_and_write(cols, identity, stored, source_pk=source.pk, batch_pk=batch.pk,
                                     rules_of=_rules_of(catalog), cal=cal, stamp=_stamp(now))
        result.batches.append(batch.pk)
        # Last and briefly: the audit chain's head is one row every audited write of the city
        # waits for, so it is locked only once the batch's heavy writes are done.
        record_event(actor=None, action="supervision.ingest_batch", object_type="supervision.ingestbatch",
                     object_id=str(batch.pk), changes={"accepted": result.accepted, "duplicates": result.duplicates,
                                                       "rejected": result.rejected},
                     extra={"sha256": digest, "source": source.code})
    return result


def _stamp(now: datetime) -> str:
    return bulk.utc_texts(np.array([micros(now)]), NO_TIME)[0]


def _store_rejected(source: SourceSystem, bad: list[tuple[int, Any, Rejection]], now: datetime) -> None:
    """Each rejected payload once per source (a re-sent rejection is not stored again), inserted
    plainly: a conflict-ignoring insert would also swallow a payload the database refuses (SQLite's
    INSERT OR IGNORE skips a failed JSON check), and a rejection the API reports is stored."""
    rejected: dict[str, RejectedEvent] = {}
    for _index, raw, problem in bad:
        payload, payload_sha256 = storable_payload(raw, "event")
        event_id = raw.get("event_id") if isinstance(raw, dict) else None
        rejected.setdefault(payload_sha256, RejectedEvent(
            source=source, received_at=now, field=storable_text(problem.field)[:32],
            reason=storable_text(problem.reason), payload=payload, payload_sha256=payload_sha256,
            event_id=storable_text(str(event_id or ""))[:128] if isinstance(raw, dict) else ""))
    known = {sha for sha, in bulk.select_in(f"SELECT payload_sha256 FROM {RejectedEvent._meta.db_table} WHERE "
                                            "source_id = %s AND", "payload_sha256", list(rejected), [source.pk])}
    RejectedEvent.objects.bulk_create([r for sha, r in rejected.items() if sha not in known])


def ingest_file(path: Path, *, source: SourceSystem | None = None, chunk: int = FILE_CHUNK,
                progress: Callable[[int], None] | None = None) -> IngestResult:
    """Ingest a JSONL file in chunks of ``chunk`` events, each its own committed batch.

    Memory stays bounded, and a run killed half-way is finished by running it again: committed
    chunks come back as duplicates and the rest lands, with the same final state. Nothing is
    written outside the database. No cyclic garbage collection meanwhile: a chunk makes millions
    of objects with no cycles among them, which the collector would walk again and again.
    """
    source, catalog, total, first = source or cli_source(), get_catalog(), IngestResult(), 0
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb", buffering=1 << 20) as handle:
            while lines := list(islice(handle, chunk)):
                try:  # a blank line is not JSON either: it too takes the long way
                    events = list(map(orjson.loads, lines))
                except orjson.JSONDecodeError:  # skip blank lines, word each bad line with its number
                    events = [parse_line(line.rstrip(b"\r\n"), first + n) for n, line in enumerate(lines, 1)
                              if line.strip()]
                total.merge(_ingest(source, *read_columns(events, first), catalog))
                first += len(lines)
                if progress is not None:
                    progress(sum(map(len, lines)))
    finally:
        if enabled:
            gc.enable()
    return total


def do_refold_cases(*, actor: Any = None, chunk: int = 20_000) -> int:
    """Fold again every case whose state was folded by another version of the fold or under other
    rules than those now in force (规则变更后重算), from its stored events; returns how many.

    A case's flags and deadlines depend on its item (limits, fee standard, required steps, step
    limits) and on the configured suspension limit and late-entry hours. Changing them otherwise
    reaches a case only at its next event; this brings every case up to date at once (the next
    scan then re-evaluates them). One transaction and one audit entry per ``chunk`` cases checked.
    """
    from zeren.workcal.selectors import get_calendar

    catalog, cal, after, total = get_catalog(), get_calendar(), 0, 0
    rules_of, empty = _rules_of(catalog), read_columns([])[0]
    while True:
        with transaction.atomic():
            casewrite.lock_ingestion()
            cases = list(ApprovalCase.objects.filter(pk__gt=after).order_by("pk")
                         .values_list("pk", "source_id", "item_id", "unit_id", "fold")[:chunk])
            if not cases:
                return total
            stale: dict[int, list[int]] = {}
            for pk, source_pk, item_pk, unit_pk, tag in cases:
                if tag != rules_of((item_pk, unit_pk))[1]:
                    stale.setdefault(source_pk, []).append(pk)
            for source_pk, pks in stale.items():
                casewrite.fold_and_write(empty, {}, casewrite.load_cases("id", pks), source_pk=source_pk, batch_pk=None,
                                         rules_of=rules_of, cal=cal, stamp=_stamp(timezone.now()))
            refolded = sum(map(len, stale.values()))
            if refolded:
                record_event(actor=actor, action="supervision.refold_cases", object_type="supervision.approvalcase",
                             object_id=f"{cases[0][0]}-{cases[-1][0]}", changes={"refolded": refolded},
                             extra={"checked": len(cases)})
            total += refolded
            after = cases[-1][0]


def do_load_items(*, actor: Any, path: Path) -> tuple[int, int]:
    """Load approval items (审批事项) from a JSON, YAML or Excel file: all or nothing (:func:`do_load_item_rows`)."""
    from zeren.supervision.item_files import read_rows

    rows = read_rows(path)
    return do_load_item_rows(actor=actor, rows=[row for _n, row in rows], source=path.name,
                             numbers=[n for n, _row in rows], problems=rows.errors)


def do_load_item_rows(*, actor: Any, rows: list[Any], source: str, numbers: list[int] | None = None,
                      problems: Iterable[RowError] = ()) -> tuple[int, int]:
    """Load approval items (审批事项) given as rows of an item file (``source`` names it): all or nothing.

    Upsert by ``code``. Each item names the 行政许可 item of the 权责清单 it implements
    (``duty_code``), checked against the catalogue. ``numbers`` are the rows' numbers in the file (default
    their 1-based positions), ``problems`` those found reading it (cells holding formulas). Raises
    :class:`zeren.core.importing.ImportRejected` listing every problem of every row (and codes used twice),
    having written nothing. Returns (created, updated); one audit entry per created or changed item.
    """
    from zeren.duties.models import FunctionItem
    from zeren.supervision.item_files import check_row

    units = {code: pk for code, pk in Unit.objects.values_list("code", "pk")}
    duties = {code: (category, active) for code, category, active
              in FunctionItem.objects.values_list("code", "category", "is_active")}
    clean, errors, seen = [], list(problems), {}
    for number, row in zip(numbers or range(1, len(rows) + 1), rows, strict=True):
        item, found = check_row(row, number, set(units), duties)
        errors += found
        code = str(row.get("code") or "").strip() if isinstance(row, dict) else ""
        if code and code in seen:
            errors.append(RowError(number, "code", _("事项编码 %(code)r 与第 %(row)s 行重复") % {
                "code": code, "row": seen[code]}))
        seen.setdefault(code, number)
        if item is not None:
            clean.append(item)
    if errors:
        raise ImportRejected(source, errors)
    created = updated = 0
    with transaction.atomic():
        existing = {i.code: i for i in ApprovalItem.objects.filter(code__in=[c["code"] for c in clean])}
        for data in clean:
            data["unit_id"] = units[data.pop("unit_code")]
            item = existing.get(data["code"])
            before = snapshot(item) if item else None
            item = item or ApprovalItem(code=data["code"])
            for name, value in data.items():
                setattr(item, name, value)
            item.save()
            after = snapshot(item)
            after.pop("updated_at")
            if before is not None:
                before.pop("updated_at")
                if before == after:
                    continue
            created, updated = created + (before is None), updated + (before is not None)
            record_change(actor=actor, action="supervision.load_item", obj=item, before=before, after=after,
                          reason=str(message("supervision.items_imported", source=source)))
    return created, updated


@dataclass
class ScanSummary:
    as_of: date
    cases: int
    replayed: int
    in_force: int
    opened: int
    cleared: int
    findings: int
    seconds: float
    findings_settled: int = 0  # findings whose alert this scan cleared (resolved with it)
    findings_reopened: int = 0  # findings whose alert holds again (open again)


def do_scan(*, as_of: date | None = None, actor: Any = None) -> ScanSummary:
    """Scan every open case on ``as_of`` (default today): open, update or clear alerts; raise findings.

    Events dated after ``as_of`` are ignored, so a past date can be replayed. Red cards and
    fee, step and order alerts become findings (问题线索), once each. One audit entry per scan.
    """
    from zeren.findings.actions import do_raise_findings
    from zeren.supervision import scanning  # numpy-heavy; loaded only by scans
    from zeren.workcal.selectors import get_calendar

    started = time.perf_counter()
    now = timezone.now()
    as_of = as_of or timezone.localdate()
    cal = get_calendar()
    catalog = get_catalog()
    with transaction.atomic():
        # The ingestion lock, before anything is read: a batch committing mid-scan (PostgreSQL,
        # READ COMMITTED) would otherwise have its cases' ``rescan`` cleared unevaluated.
        casewrite.lock_ingestion()
        active = scanning.active_alerts()
        pop = scanning.load_population(as_of, catalog, cal, scanning.alert_cases(active))
        replayed = scanning.replay_past(pop, as_of, catalog, cal)
        result = scanning.evaluate(pop, as_of, catalog, cal)
        changes = scanning.persist(pop, result, as_of, now, active)
        scanning.clear_rescan(as_of)
        opened = [o for o in changes.opened if o[1] in FINDING_TYPES]
        specs = _finding_specs(opened, as_of)
        known: set[str] = set()
        raised = do_raise_findings(actor=actor, specs=specs, reason=str(message("supervision.scan", day=str(as_of))),
                                   known=known)
        settled, reopened = _follow_alerts(changes, [o for o, s in zip(opened, specs, strict=True)
                                                     if s.dedupe_key in known], as_of, actor)
        digest = hashlib.sha256(canonical_json(sorted(changes.opened)).encode("utf-8")).hexdigest()
        summary = ScanSummary(as_of, pop.size, replayed, changes.in_force, len(changes.opened), changes.cleared,
                              raised, time.perf_counter() - started, settled, reopened)
        ScanRun.objects.create(as_of=as_of, started_at=now, seconds=summary.seconds, cases=summary.cases,
                               in_force=summary.in_force, opened=summary.opened, cleared=summary.cleared,
                               findings=raised)
        record_event(actor=actor, action="supervision.scan", object_type="supervision.scanrun",
                     object_id=as_of.isoformat(), changes={"opened": summary.opened, "cleared": summary.cleared,
                                                           "findings": raised, "findings_settled": settled,
                                                           "findings_reopened": reopened},
                     extra={"sha256_opened": digest, "cases": summary.cases, "in_force": summary.in_force})
    return summary


def _follow_alerts(changes: Changes, back: list[tuple[int, str]], as_of: date, actor: Any) -> tuple[int, int]:
    """A finding follows its alert when the scan itself moves the alert (问题线索随预警流转): an alert
    the scan clears — it no longer holds: a decision dated within the limit arrived late, the case
    was withdrawn, a limit was raised — resolves the findings still open on it, saying so; an alert
    in force again (``back``: the (case pk, type) of alerts opened again whose finding was raised
    before) reopens them. Alerts closed on the board are left alone: their closure moved their
    findings (:func:`do_move_alert`). Set-wise: the cleared alerts of finding types are picked from
    the scan's arrays, so a scan that clears none of them reads nothing more; then one read of
    those alerts and one :func:`~zeren.findings.actions.do_follow_sources` per alert type.
    Idempotent: a cleared alert is not active at the next scan, and a finding already settled or
    open is left where it is. Returns ``(settled, reopened)``."""
    from zeren.findings.actions import do_follow_sources
    from zeren.supervision.scanning import ALERT_TABLE, TYPE_INDEX

    kinds = np.array(sorted(TYPE_INDEX[t] for t in FINDING_TYPES))
    gone = changes.gone[np.isin(changes.gone_keys % 16, kinds)].tolist()
    moves: dict[tuple[str, str], list[str]] = {}
    with connection.cursor() as cursor:
        join = (f"FROM {ALERT_TABLE} AS a JOIN {casewrite.CASE_TABLE} AS c ON c.id = a.case_id "
                f"WHERE a.status <> %s AND ")
        for condition, params in bulk.where_in("a.id", gone):
            cursor.execute(f"SELECT a.type, c.case_id {join}{condition}", [AlertStatus.CLOSED.value, *params])
            for alert_type, case_id in cursor.fetchall():
                moves.setdefault(("resolved", alert_type), []).append(case_id)
        wanted = set(back)
        for condition, params in bulk.where_in("a.case_id", sorted({pk for pk, _type in back})):
            cursor.execute(f"SELECT a.case_id, a.type, c.case_id {join}{condition}", [AlertStatus.CLOSED.value, *params])
            for pk, alert_type, case_id in cursor.fetchall():
                if (pk, alert_type) in wanted:
                    moves.setdefault(("reopened", alert_type), []).append(case_id)
    moved = {"resolved": 0, "reopened": 0}
    for (outcome, alert_type), case_ids in sorted(moves.items()):
        moved[outcome] += do_follow_sources(evidence_type=EVIDENCE, evidence_ids=case_ids, outcome=outcome,
                                            cause=alert_type, actor=actor,
                                            reason=message("supervision.scan_moved", day=f"{as_of:%Y-%m-%d}",
                                                           type=alert_type, outcome=outcome))
    return moved["resolved"], moved["reopened"]


def _finding_specs(opened: list[tuple[int, str]], as_of: date) -> list[FindingSpec]:
    if not opened:
        return []
    cases = {}
    with connection.cursor() as cursor:  # plain SQL: a scan can raise thousands (no model row each)
        for condition, params in bulk.where_in("c.id", sorted({pk for pk, _ in opened})):
            cursor.execute(f"SELECT c.id, c.case_id, c.unit_id, i.code, i.name, c.statutory_deadline, s.code "
                           f"FROM {casewrite.CASE_TABLE} AS c JOIN {ApprovalItem._meta.db_table} AS i "
                           f"ON i.id = c.item_id JOIN {SourceSystem._meta.db_table} AS s ON s.id = c.source_id "
                           f"WHERE {condition}", params)
            cases.update((row[0], row) for row in cursor.fetchall())
    specs = []
    for pk, alert_type in opened:
        _, case_id, unit_id, item_code, item_name, deadline, source_code = cases[pk]
        specs.append(FindingSpec(
            dedupe_key=finding_key("supervision", alert_type, EVIDENCE, case_id),
            cause=alert_type, source_app="supervision",
            **titled(ALERT_TITLE, type=alert_type, item=item_name, case=case_id),
            unit_id=unit_id, evidence_type=EVIDENCE, evidence_id=case_id,
            evidence_url=f"/supervision/cases/{case_id}/?source={source_code}", occurred_on=as_of,
            details={"item_code": item_code, "statutory_deadline": str(deadline)},  # ISO (a date, or SQLite's text)
        ))
    return specs


ALERT_MOVES = {
    AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.EXPLAINED, AlertStatus.CORRECTED},
    AlertStatus.EXPLAINED: {AlertStatus.CLOSED},
    AlertStatus.CORRECTED: {AlertStatus.CLOSED},
    AlertStatus.CLOSED: {AlertStatus.OPEN},  # reopened by supervision (重新打开)
}
# What closing or reopening an alert means for its finding (问题线索): closed after a correction →
# resolved (已整改); closed on an accepted explanation → dismissed (不予采纳); reopened → open again.
FINDING_OUTCOME = {AlertStatus.CORRECTED: "resolved", AlertStatus.EXPLAINED: "dismissed"}


def check_move_alert(actor: Any, alert: Alert, status: str) -> None:
    """The department (edit) acknowledges, explains or corrects; the supervision officer closes."""
    needed = SUPERVISE if status in (AlertStatus.CLOSED, AlertStatus.OPEN) else EDIT
    if not can(actor, needed, alert.unit):
        raise PermissionDenied(f"{needed} not allowed on alerts of {alert.unit.code}")
    if status not in ALERT_MOVES[alert.status]:
        raise ValidationError({"status": f"an alert cannot move from {alert.status} to {status}"})


def do_move_alert(*, actor: Any, alert: Alert, status: str, note: str = "") -> Alert:
    """Move an alert along open → acknowledged → explained/corrected → closed (签收、说明、纠正、办结)."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("unit", "case").get(pk=alert.pk)
        check_move_alert(actor, alert, status)
        if status in (AlertStatus.EXPLAINED, AlertStatus.CORRECTED, AlertStatus.OPEN) and not note.strip():
            raise ValidationError({"note": _("须填写说明、纠正情况或重新打开的理由")})
        before = snapshot(alert, ["status", "note", "closed_at"])
        outcome = "reopened" if status == AlertStatus.OPEN else FINDING_OUTCOME.get(alert.status, "")
        how = alert.status  # 已纠正 / 已说明: says why the finding moves
        alert.status = status
        if note:
            alert.note = note
        alert.closed_at = timezone.now() if status == AlertStatus.CLOSED else None
        alert.save(update_fields=["status", "note", "closed_at"])
        record_change(actor=actor, action=f"supervision.alert_{status}", obj=alert, before=before,
                      after=snapshot(alert, ["status", "note", "closed_at"]), reason=note)
        if status in (AlertStatus.CLOSED, AlertStatus.OPEN) and alert.type in FINDING_TYPES:
            do_follow_source(evidence_type=EVIDENCE, evidence_id=alert.case.case_id,
                             outcome=outcome, cause=alert.type, actor=actor,
                             reason=message("supervision.alert_moved", type=str(alert.type), status=str(alert.status), how=str(how),
                                            note=alert.note))
        return alert
