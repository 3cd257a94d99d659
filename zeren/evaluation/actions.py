"""Every write of performance evaluation (绩效评估), each in a transaction with its audit entry."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zeren.access.rules import EVALUATE
from zeren.access.scope import can
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.core.importing import problem
from zeren.core.messages import Message, message, names
from zeren.evaluation import causes, methods, rules, sources
from zeren.evaluation.models import (
    Aggregation,
    Indicator,
    IndicatorSystem,
    IndicatorType,
    Invitation,
    MissingPolicy,
    Normalisation,
    PeerGroup,
    Polarity,
    Programme,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Question,
    QuestionKind,
    Quota,
    Response,
    Result,
    Round,
    RoundStatus,
    Survey,
    SurveyStatus,
    Value,
)
from zeren.org.models import Unit, UnitKind


class ImportRejected(ValueError):
    """An import refused as a whole; ``errors`` lists every problem (file, row, column)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} error(s): " + "; ".join(errors[:5]))
        self.errors = errors


def city() -> Unit | None:
    """The city: the government at the root of the tree. Other roots (the people's congress, the CPPCC, party
    organs) sort before it by path (``/SZ-RD/`` < ``/SZ/``), so the first root is not the city."""
    roots = Unit.objects.filter(parent__isnull=True).order_by("path")
    return roots.filter(kind=UnitKind.GOVERNMENT).first() or roots.first()


def check_evaluate(actor: Any, unit: Unit | None = None) -> None:
    """The performance office (EVALUATE) over the unit, or over the city when no unit is given."""
    if actor is None:  # commands and the demo act as the system
        return
    if unit is None:
        unit = city()
    if unit is None or not can(actor, EVALUATE, unit):
        raise PermissionDenied("the performance office (EVALUATE) may do this")


# ------------------------------------------------------------------------------------ indicator system

TYPES = {c.value for c in IndicatorType}
POLARITIES = {c.value for c in Polarity}


def do_import_system(*, actor: Any, data: dict[str, Any], file: str = "system.json") -> IndicatorSystem:
    """Create an indicator system (导入指标体系) from the JSON of ``zeren evaluation import-system``.

    Keys: ``code``, ``name``, ``peer_group`` (unit codes), ``indicators`` (``code``, ``name``,
    ``parent``, ``type``, ``polarity``, ``unit``, ``weight``, ``source``, optional ``normalisation``,
    ``target``, ``ladder``), optional ``aggregation``, ``missing_policy`` and ``ahp``
    (``{"<parent code or empty>": {"elements": [codes], "matrix": [[…]]}}``: the siblings' weights
    come from the AHP instead of ``weight``), and ``programme`` for a special evaluation (专项评估):
    an existing programme's code or ``{"code", "name", "selection": {kind: [keys]}, "start", "end"}``;
    its automatic indicators must be able to count the programme's records only, and ``peer_group``
    may then be left out: the units that carry the programme in its period. All-or-nothing: every
    error is listed.
    """
    check_evaluate(actor)
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ImportRejected([f"{file}: the top level must be an object"])
    code, name = str(data.get("code") or "").strip(), str(data.get("name") or "").strip()
    if not code:
        errors.append(f"{file}: code: missing")
    if not name:
        errors.append(f"{file}: name: missing")
    if code and IndicatorSystem.objects.filter(code=code).exists():
        errors.append(f"{file}: code: system {code} exists already; import a revision under a new code")
    programme, programme_spec = _programme(data.get("programme"), file, errors)
    peers = data.get("peer_group")
    if peers is None and programme_spec is not None and not errors:
        # A special evaluation's peer group defaults to the units that carry the programme (承担单位).
        peers = sources.participants(programme_spec["selection"], programme_spec["start"], programme_spec["end"])
        if not peers:
            errors.append(f"{file}: peer_group: no unit carries the programme in its period; list the units")
    if not isinstance(peers, list) or not peers:
        if peers is not None or programme_spec is None:
            errors.append(f"{file}: peer_group: a list of unit codes is required")
        peers = []
    units = {u.code: u for u in Unit.objects.filter(code__in=[str(p) for p in peers])}
    errors += [f"{file}: peer_group[{i}]: unknown unit {p!r}" for i, p in enumerate(peers) if str(p) not in units]
    aggregation = data.get("aggregation", Aggregation.ARITHMETIC)
    if aggregation not in Aggregation.values:
        errors.append(f"{file}: aggregation: {aggregation!r} is not one of {Aggregation.values}")
    missing = data.get("missing_policy", MissingPolicy.RENORMALISE)
    if missing not in MissingPolicy.values:
        errors.append(f"{file}: missing_policy: {missing!r} is not one of {MissingPolicy.values}")
    rows = data.get("indicators")
    if not isinstance(rows, list) or not rows:
        errors.append(f"{file}: indicators: a list is required")
        rows = []
    known = sources.sources()
    codes: dict[str, int] = {}
    for i, row in enumerate(rows):
        where = f"{file}: indicators[{i}]"
        if not isinstance(row, dict):
            errors.append(f"{where}: must be an object")
            continue
        c = str(row.get("code") or "").strip()
        if not c:
            errors.append(f"{where}: code: missing")
        elif c in codes:
            errors.append(f"{where}: code: {c} repeats indicators[{codes[c]}]")
        else:
            codes[c] = i
        if not str(row.get("name") or "").strip():
            errors.append(f"{where}: name: missing")
        if row.get("type", "output") not in TYPES:
            errors.append(f"{where}: type: {row.get('type')!r} is not one of {sorted(TYPES)}")
        if row.get("polarity", "higher") not in POLARITIES:
            errors.append(f"{where}: polarity: {row.get('polarity')!r} is not higher or lower")
        weight = row.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight < 0:
            errors.append(f"{where}: weight: {weight!r} is not a number ≥ 0")
        source = row.get("source", sources.MANUAL)
        if source != sources.MANUAL and source not in known:
            errors.append(f"{where}: source: {source!r} is neither manual nor an automatic source "
                          f"({', '.join(known) or 'none installed'})")
        elif source != sources.MANUAL and programme_spec is not None and not sources.scopable(
                source, programme_spec["selection"]):
            errors.append(f"{where}: source: {source} cannot count only the programme's records "
                          f"(selection by {', '.join(programme_spec['selection'])}); use a source that can, or manual")
        norm = row.get("normalisation", Normalisation.MINMAX)
        if norm not in Normalisation.values:
            errors.append(f"{where}: normalisation: {norm!r} is not one of {Normalisation.values}")
        if norm == Normalisation.TARGET and not isinstance(row.get("target"), int | float):
            errors.append(f"{where}: target: a number is required for target attainment")
        if norm == Normalisation.LADDER and not _ladder_ok(row.get("ladder")):
            errors.append(f"{where}: ladder: a list of [threshold, score] pairs is required")
    for i, row in enumerate(rows):
        parent = isinstance(row, dict) and row.get("parent")
        if parent and parent not in codes:
            errors.append(f"{file}: indicators[{i}]: parent: unknown indicator {parent!r}")
    errors += _cycles(rows, file)
    weights: dict[str, float] = {}
    ahp_store: dict[str, Any] = {}
    for parent, spec in (data.get("ahp") or {}).items():
        where = f"{file}: ahp[{parent!r}]"
        elements = spec.get("elements") if isinstance(spec, dict) else None
        siblings = [str(r.get("code")) for r in rows if isinstance(r, dict) and (r.get("parent") or "") == parent]
        if not isinstance(elements, list) or sorted(map(str, elements)) != sorted(siblings):
            errors.append(f"{where}: elements must be exactly the children of {parent or 'the root'}: {siblings}")
            continue
        try:
            w, cr = methods.ahp(spec.get("matrix") or [], [str(e) for e in elements])
        except methods.MethodError as exc:
            errors += [f"{where}: {e}" for e in exc.errors]
            continue
        weights.update(zip(map(str, elements), w, strict=True))
        ahp_store[parent] = {"elements": elements, "matrix": spec["matrix"], "consistency_ratio": round(cr, 4)}
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        if programme is None and programme_spec is not None:
            programme = Programme.objects.create(
                code=programme_spec["code"], name=programme_spec["name"], description=programme_spec["description"],
                selection=programme_spec["selection"], period_start=programme_spec["start"],
                period_end=programme_spec["end"])
            record_change(actor=actor, action="evaluation.create_programme", obj=programme, before=None,
                          after=snapshot(programme))
        group = PeerGroup.objects.create(code=code, name=name)
        group.units.set(list(units.values()))
        system = IndicatorSystem.objects.create(code=code, name=name, peer_group=group, aggregation=aggregation,
                                                missing_policy=missing, ahp=ahp_store, programme=programme)
        made: dict[str, Indicator] = {}
        pending = list(rows)
        order = 0
        while pending:  # parents before children (no cycles: checked)
            later = []
            for row in pending:
                parent = row.get("parent") or None
                if parent and parent not in made:
                    later.append(row)
                    continue
                order += 1
                c = str(row["code"]).strip()
                made[c] = Indicator.objects.create(
                    system=system, code=c, name=str(row["name"]).strip(), parent=made.get(parent) if parent else None,
                    type=row.get("type", "output"), polarity=row.get("polarity", "higher"),
                    unit=str(row.get("unit") or "")[:32], weight=weights.get(c, float(row.get("weight", 1))),
                    source=row.get("source", sources.MANUAL), normalisation=row.get("normalisation", "minmax"),
                    target=row.get("target"), ladder=row.get("ladder") or [], sort_order=order)
            pending = later
        record_change(actor=actor, action="evaluation.import_system", obj=system, before=None,
                      after=snapshot(system), extra={"indicators": len(made), "units": len(units),
                                                     "sha256": _digest(data)})
        return system


def _programme(value: Any, file: str, errors: list[str]) -> tuple[Programme | None, dict[str, Any] | None]:
    """The ``programme`` of a special evaluation's system: the code of an existing programme, or a new one
    ``{"code", "name", "selection": {kind: [keys]}, "start", "end"[, "description"]}``. Errors are appended."""
    if value is None:
        return None, None
    where = f"{file}: programme"
    if isinstance(value, str):
        found = Programme.objects.filter(code=value).first()
        if found is None:
            errors.append(f"{where}: no programme {value!r}; give {{code, name, selection, start, end}} to create it")
            return None, None
        return found, {"selection": found.selection, "start": found.period_start, "end": found.period_end}
    if not isinstance(value, dict):
        errors.append(f"{where}: a programme code or an object {{code, name, selection, start, end}} is required")
        return None, None
    spec: dict[str, Any] = {"code": str(value.get("code") or "").strip(), "name": str(value.get("name") or "").strip(),
                            "description": str(value.get("description") or ""), "selection": value.get("selection")}
    before = len(errors)
    for key in ("code", "name"):
        if not spec[key]:
            errors.append(f"{where}.{key}: missing")
    if spec["code"] and Programme.objects.filter(code=spec["code"]).exists():
        errors.append(f"{where}.code: programme {spec['code']} exists already; name it by its code")
    errors += sources.selection_errors(spec["selection"], f"{where}.selection")
    for key in ("start", "end"):
        try:
            spec[key] = date.fromisoformat(str(value.get(key) or ""))
        except ValueError:
            errors.append(f"{where}.{key}: {value.get(key)!r} is not a date (YYYY-MM-DD)")
    if len(errors) == before and spec["end"] < spec["start"]:
        errors.append(f"{where}.end: before the start")
    return None, (spec if len(errors) == before else None)


def _ladder_ok(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(s, list | tuple) and len(s) == 2 and all(isinstance(x, int | float) for x in s) for s in value)


def _cycles(rows: list[Any], file: str) -> list[str]:
    parent = {str(r.get("code")): r.get("parent") for r in rows if isinstance(r, dict) and r.get("code")}
    errors = []
    for code in parent:
        seen, node = set(), code
        while node in parent and parent[node]:
            if node in seen:
                errors.append(f"{file}: indicators: {code} is its own ancestor")
                break
            seen.add(node)
            node = parent[node]
    return errors


def _digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def leaves(system: IndicatorSystem) -> list[Indicator]:
    """The system's leaf indicators in tree order."""
    nodes = list(system.indicators.all())
    parents = {n.parent_id for n in nodes}
    return [n for n in nodes if n.pk not in parents]


# ------------------------------------------------------------------------------------------- rounds

def do_create_round(*, actor: Any, system: IndicatorSystem, name: str, start: date, end: date,
                    scope: Iterable[str] | None = None, pilot: bool = False, due: date | None = None) -> Round:
    """Open a round (启动评估轮次) of ``system`` over a period for ``scope`` (unit codes of its peer
    group; default: the whole peer group)."""
    check_evaluate(actor)
    peers = {u.code: u for u in system.peer_group.units.all()}
    codes = list(scope) if scope is not None else list(peers)
    outside = [c for c in codes if c not in peers]
    errors = [f"scope: {c} is not in the peer group {system.peer_group.code}" for c in outside]
    if end < start:
        errors.append("period: the end is before the start")
    if Round.objects.filter(name=name).exists():
        errors.append(f"name: a round called {name} exists already")
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        rnd = Round.objects.create(system=system, name=name, period_start=start, period_end=end, pilot=pilot, due=due)
        rnd.scope.set([peers[c] for c in codes])
        record_change(actor=actor, action="evaluation.create_round", obj=rnd, before=None, after=snapshot(rnd),
                      extra={"scope": sorted(codes)})
        return rnd


def _check_open(rnd: Round) -> None:
    if rnd.frozen:
        raise ValidationError(f"round {rnd.name} is {rnd.get_status_display()}: a published round cannot change, "
                              "only be superseded with a reason")


def do_collect_values(*, actor: Any, rnd: Round) -> int:
    """Collect the automatic indicators (自动采集) of the round's scope over its period; replaces the
    earlier automatic values of the round. Returns how many values were stored."""
    check_evaluate(actor)
    _check_open(rnd)
    codes = list(rnd.scope.values_list("code", flat=True))
    unit_ids = dict(rnd.scope.values_list("code", "pk"))
    auto = [leaf for leaf in leaves(rnd.system) if leaf.source != sources.MANUAL]
    selection = rnd.programme.selection if rnd.programme else None  # a special evaluation counts its programme only
    rows = []
    for leaf in auto:
        for code, (value, n) in sources.compute(leaf.source, codes, rnd.period_start, rnd.period_end,
                                                selection).items():
            if code in unit_ids and value is not None and math.isfinite(value):
                rows.append(Value(round=rnd, unit_id=unit_ids[code], indicator=leaf, value=float(value),
                                  n=None if n is None else float(n), source=leaf.source))
    with transaction.atomic():
        Value.objects.filter(round=rnd, indicator__in=auto).delete()
        Value.objects.bulk_create(rows, batch_size=2000)
        record_event(actor=actor, action="evaluation.collect_values", object_type="evaluation.round",
                     object_id=str(rnd.pk), changes={"values": len(rows)},
                     extra={"sources": sorted({leaf.source for leaf in auto})})
    return len(rows)


def do_import_values(*, actor: Any, rnd: Round, rows: list[dict[str, Any]], file: str, first_row: int = 1) -> int:
    """Import manual or external values (导入指标数据): ``{"unit", "indicator", "value"[, "n"]}`` rows.

    All-or-nothing, every error listed at once, in the UI language, by file, row (``first_row`` is the first
    row's number: 1 for a JSON list; a sheet read by :func:`zeren.evaluation.reading.read_values` numbers its
    rows itself) and column: a unit outside the round's peer group, an unknown indicator (or one that is not
    a leaf, or that is computed automatically), a value that is not a number, the same unit and indicator
    twice, a cell holding a formula.
    """
    check_evaluate(actor)
    _check_open(rnd)
    peers = dict(rnd.system.peer_group.units.values_list("code", "pk"))
    by_code = {leaf.code: leaf for leaf in leaves(rnd.system)}
    all_codes = set(rnd.system.indicators.values_list("code", flat=True))
    # A sheet read by zeren.evaluation.reading carries each row's number and the cells that held formulas.
    numbers = getattr(rows, "numbers", None) or range(first_row, first_row + len(rows))
    errors = [problem(file, e.row, e.field, e.message) for e in getattr(rows, "errors", [])]
    formulas = {(e.row, e.field) for e in getattr(rows, "errors", [])}  # reported already, read as empty
    seen: dict[tuple[str, str], int] = {}
    values = []
    for i, row in zip(numbers, rows, strict=True):
        if not isinstance(row, dict):
            errors.append(problem(file, i, "", _("须为对象，含 unit、indicator、value")))
            continue
        unit, code, raw = str(row.get("unit") or "").strip(), str(row.get("indicator") or "").strip(), row.get("value")
        if unit not in peers and (i, "unit") not in formulas:
            errors.append(problem(file, i, "unit", _("%(unit)s 不在参评单位组 %(group)s 内") % {
                "unit": unit or _("（空）"), "group": rnd.system.peer_group.code}))
        leaf = by_code.get(code)
        if leaf is None and (i, "indicator") not in formulas:
            why = (_("%(code)s 不是末级指标") if code in all_codes else _("%(code)s 不是指标体系 %(system)s 的指标"))
            errors.append(problem(file, i, "indicator", why % {"code": code or _("（空）"), "system": rnd.system.code}))
        elif leaf is not None and leaf.source != sources.MANUAL:
            errors.append(problem(file, i, "indicator", _("%(code)s 由 %(source)s 自动采集，不能导入") % {
                "code": code, "source": leaf.source}))
        value = _number(raw)
        if value is None and (i, "value") not in formulas:
            errors.append(problem(file, i, "value", _("必填") if raw in (None, "") else _("%(value)r 不是数字") % {
                "value": raw}))
        n = row.get("n")
        n_value = None if n in (None, "") else _number(n)
        if n not in (None, "") and (n_value is None or n_value < 0):
            errors.append(problem(file, i, "n", _("%(value)r 不是计数") % {"value": n}))
        key = (unit, code)
        if key in seen:
            errors.append(problem(file, i, "", _("%(unit)s / %(code)s 与第 %(row)s 行重复") % {
                "unit": unit, "code": code, "row": seen[key]}))
        seen[key] = i
        if unit in peers and leaf is not None and value is not None:
            values.append(Value(round=rnd, unit_id=peers[unit], indicator=leaf, value=value, n=n_value,
                                source=sources.MANUAL))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        pairs = {(v.unit_id, v.indicator.pk) for v in values}
        stale = [pk for pk, unit_id, ind_id in Value.objects.filter(round=rnd).values_list("pk", "unit_id", "indicator_id")
                 if (unit_id, ind_id) in pairs]
        Value.objects.filter(pk__in=stale).delete()
        Value.objects.bulk_create(values, batch_size=2000)
        record_event(actor=actor, action="evaluation.import_values", object_type="evaluation.round",
                     object_id=str(rnd.pk), changes={"values": len(values)},
                     extra={"file": file, "sha256": _digest(rows)})
    return len(values)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@dataclass
class Scoring:
    """What :func:`score_round` computed, before it is stored."""

    units: list[Unit]
    leaves: list[Indicator]
    table: rules.Table
    values: np.ndarray
    cases: np.ndarray
    weights: np.ndarray


def score_round(rnd: Round) -> Scoring:
    """Compute the round's table from its stored values (no writes)."""
    system = rnd.system
    nodes = list(system.indicators.all())
    eff = rules.effective_weights([rules.Node(n.code, _code_of(nodes, n.parent_id), n.weight) for n in nodes])
    leaf_list = leaves(system)
    units = list(rnd.scope.order_by("sort_order", "code"))
    row_of = {u.pk: i for i, u in enumerate(units)}
    col_of = {leaf.pk: j for j, leaf in enumerate(leaf_list)}
    values = np.full((len(units), len(leaf_list)), np.nan)
    cases = np.full(values.shape, np.nan)
    for unit_id, ind_id, value, n in Value.objects.filter(round=rnd).values_list("unit_id", "indicator_id", "value", "n"):
        if unit_id in row_of and ind_id in col_of:
            values[row_of[unit_id], col_of[ind_id]] = value
            cases[row_of[unit_id], col_of[ind_id]] = np.nan if n is None else n
    columns = [rules.Column(code=leaf.code, sign=leaf.sign, normalisation=leaf.normalisation, target=leaf.target,
                            ladder=tuple(tuple(s) for s in leaf.ladder), rate=sources.is_rate(leaf.source))
               for leaf in leaf_list]
    weights = np.array([eff.get(leaf.code, 0.0) for leaf in leaf_list])
    table = rules.score(values, cases, columns, weights, aggregation=system.aggregation,
                        missing_zero=system.missing_policy == MissingPolicy.ZERO)
    return Scoring(units=units, leaves=leaf_list, table=table, values=values, cases=cases, weights=weights)


def _code_of(nodes: list[Indicator], pk: int | None) -> str | None:
    if pk is None:
        return None
    return next(n.code for n in nodes if n.pk == pk)


def explanation(s: Scoring, i: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Unit ``i``'s explanation rows and the indicators left out for missing data."""
    t = s.table
    rows, missing = [], []
    with translation.override("zh-hans"):  # stored in Chinese; pages relabel in the reader's language
        labels = {leaf.source: sources.label(leaf.source) for leaf in s.leaves}
    for j, leaf in enumerate(s.leaves):
        raw = s.values[i, j]
        n = s.cases[i, j]
        low = high = None
        if sources.is_rate(leaf.source) and not math.isnan(raw) and not math.isnan(n) and n > 0:
            lo, hi = methods.wilson_interval(raw * n, n)
            low, high = round(float(lo), 4), round(float(hi), 4)
        if math.isnan(raw):
            missing.append(leaf.code)
        rows.append({
            "indicator": leaf.code, "name": leaf.name, "type": leaf.type, "polarity": leaf.polarity,
            "unit": leaf.unit, "source": leaf.source,
            "source_label": labels[leaf.source],
            "raw": _num(raw), "n": _num(n), "low": low, "high": high, "adjusted": _num(t.adjusted[i, j]),
            "normalised": _num(t.normalised[i, j]), "weight": round(float(s.weights[j]), 6),
            "effective_weight": round(float(t.aggregate.effective_weights[i, j]), 6),
            "contribution": float(t.aggregate.contributions[i, j]),
        })
    return rows, missing


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)


def do_score_round(*, actor: Any, rnd: Round) -> int:
    """Score the round (计分) and store each unit's result with its explanation; records completeness
    (share of unit × leaf cells that have a value). Returns how many units were scored."""
    check_evaluate(actor)
    _check_open(rnd)
    s = score_round(rnd)
    results = []
    for i, unit in enumerate(s.units):
        details, missing = explanation(s, i)
        score = s.table.aggregate.scores[i]
        results.append(Result(round=rnd, unit=unit, score=None if math.isnan(score) else float(score),
                              rank=int(s.table.ranks[i]), details=details, missing=missing))
    cells = s.values.size
    completeness = float((~np.isnan(s.values)).sum() / cells) if cells else 0.0
    with transaction.atomic():
        Result.objects.filter(round=rnd).delete()
        Result.objects.bulk_create(results, batch_size=500)
        Round.objects.filter(pk=rnd.pk).update(completeness=completeness, scored_at=timezone.now())
        rnd.refresh_from_db()
        record_event(actor=actor, action="evaluation.score_round", object_type="evaluation.round",
                     object_id=str(rnd.pk), changes={"units": len(results), "completeness": round(completeness, 4)},
                     extra={"sha256": _digest([[r.unit.code, round(r.score or 0, 4), r.rank] for r in results])})
    return len(results)


TRANSITIONS = {
    "submit": (RoundStatus.COLLECTING, RoundStatus.REVIEW),
    "return": (RoundStatus.REVIEW, RoundStatus.COLLECTING),
    "approve": (RoundStatus.REVIEW, RoundStatus.APPROVED),
    "publish": (RoundStatus.APPROVED, RoundStatus.PUBLISHED),
}


def do_move_round(*, actor: Any, rnd: Round, step: str, reason: str = "") -> Round:
    """Move a round along review → approval → publication (审核、批准、发布), audited. Publishing
    raises the round's findings and commendation candidates (:func:`do_raise_round_findings`)."""
    check_evaluate(actor)
    if step not in TRANSITIONS:
        raise ValidationError(f"unknown step {step!r}")
    before_status, after_status = TRANSITIONS[step]
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != before_status:
            raise ValidationError(f"round {rnd.name} is {rnd.get_status_display()}: cannot {step}")
        if step in ("submit", "approve", "publish") and not rnd.results.exists():
            raise ValidationError(f"round {rnd.name} has not been scored")
        before = snapshot(rnd)
        rnd.status = after_status
        if step == "publish":
            rnd.published_at = timezone.now()
        rnd.save(update_fields=["status", "published_at"])
        record_change(actor=actor, action=f"evaluation.{step}_round", obj=rnd, before=before, after=snapshot(rnd),
                      reason=reason)
        if step == "publish":
            do_raise_round_findings(actor=actor, rnd=rnd)
    return rnd


def do_supersede_round(*, actor: Any, rnd: Round, reason: str, name: str = "") -> Round:
    """Supersede a published round (更正): a new round with the same system, period, scope and values,
    open for correction; the old one is kept unchanged, marked superseded, with the reason."""
    check_evaluate(actor)
    if not reason.strip():
        raise ValidationError(_("更正已发布的评估结果须写明理由"))
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != RoundStatus.PUBLISHED:
            raise ValidationError(f"only a published round is superseded; {rnd.name} is {rnd.get_status_display()}")
        new_name = name or f"{rnd.name}（更正{Round.objects.filter(name__startswith=rnd.name).count()}）"
        new = Round.objects.create(system=rnd.system, name=new_name, period_start=rnd.period_start,
                                   period_end=rnd.period_end, pilot=rnd.pilot, due=rnd.due)
        new.scope.set(list(rnd.scope.all()))
        Value.objects.bulk_create([Value(round=new, unit_id=v.unit_id, indicator_id=v.indicator_id, value=v.value,
                                         n=v.n, source=v.source) for v in rnd.values.all()], batch_size=2000)
        before = snapshot(rnd)
        rnd.status = RoundStatus.SUPERSEDED
        rnd.superseded_by = new
        rnd.supersede_reason = reason
        rnd.save(update_fields=["status", "superseded_by", "supersede_reason"])
        record_change(actor=actor, action="evaluation.supersede_round", obj=rnd, before=before, after=snapshot(rnd),
                      reason=reason, extra={"new_round": new.name})
        return new


def do_raise_round_findings(*, actor: Any, rnd: Round, bottom_share: float | None = None,
                            floor: float | None = None, top_share: float | None = None) -> tuple[int, int]:
    """Results feed accountability (评估结果运用): the bottom of the ranking (last ``bottom_share``,
    and any score under ``floor``) becomes a finding, the top a commendation candidate — through
    :mod:`zeren.findings.actions`, idempotent per round and unit. Returns ``(findings, commendations)``.

    The rule is the city's setting ``ZEREN_EVALUATION_FINDINGS`` (``{"bottom_share", "floor",
    "top_share"}``) over the defaults of :mod:`zeren.evaluation.rules` (last 10 %, under 60, top 10 %)."""
    from django.conf import settings

    from zeren.findings.actions import FindingSpec, do_raise_findings
    from zeren.findings.causes import titled

    rule = {"bottom_share": rules.BOTTOM_SHARE, "floor": rules.FLOOR, "top_share": rules.TOP_SHARE,
            **getattr(settings, "ZEREN_EVALUATION_FINDINGS", {})}
    bottom_share = rule["bottom_share"] if bottom_share is None else bottom_share
    floor = rule["floor"] if floor is None else floor
    top_share = rule["top_share"] if top_share is None else top_share

    results = list(rnd.results.select_related("unit").order_by("rank", "unit__code"))
    low, top = rules.flagged([r.rank for r in results], [r.score if r.score is not None else math.nan for r in results],
                             bottom_share=bottom_share, floor=floor, top_share=top_share)
    count = len([r for r in results if r.rank])

    def spec(r: Result, cause: str) -> FindingSpec:
        return FindingSpec(
            dedupe_key=f"evaluation:{cause}:{rnd.pk}:{r.unit.code}", cause=cause, source_app="evaluation",
            **titled(cause, unit=names(r.unit.name, r.unit.name_en), round=rnd.name, rank=r.rank,
                     score=f"{r.score or 0:.1f}"), unit_id=r.unit_id, evidence_type="evaluation.result", evidence_id=str(r.pk),
            evidence_url=f"/evaluation/rounds/{rnd.pk}/units/{r.unit.code}/", occurred_on=rnd.period_end,
            details={"round": rnd.name, "score": round(r.score or 0, 4), "rank": r.rank, "of": count})

    specs = [spec(results[i], causes.LOW_SCORE) for i in low] + [spec(results[i], causes.COMMENDATION) for i in top]
    do_raise_findings(actor=actor, specs=specs, reason=str(message("evaluation.round_findings", round=rnd.name)))
    return len(low), len(top)


# ------------------------------------------------------------------------------------------ surveys

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def do_create_survey(*, actor: Any, code: str, title: str, questions: list[dict[str, Any]],
                     quotas: dict[str, int], intro: str = "") -> Survey:
    """Build a questionnaire (问卷) with its district quotas; open for answers at once."""
    check_evaluate(actor)
    errors = []
    for i, q in enumerate(questions, start=1):
        if q.get("kind") not in QuestionKind.values:
            errors.append(f"question {i}: kind {q.get('kind')!r} is not one of {QuestionKind.values}")
        if not str(q.get("text") or "").strip():
            errors.append(f"question {i}: text is missing")
        if q.get("kind") in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(q.get("choices") or []) < 2:
            errors.append(f"question {i}: at least two choices are needed")
    districts = {u.code: u for u in Unit.objects.filter(code__in=list(quotas))}
    errors += [f"quota: unknown district {c}" for c in quotas if c not in districts]
    errors += [f"quota {c}: {n!r} is not a positive count" for c, n in quotas.items()
               if not isinstance(n, int) or n <= 0]
    if Survey.objects.filter(code=code).exists():
        errors.append(f"code: survey {code} exists already")
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        survey = Survey.objects.create(code=code, title=title, intro=intro, status=SurveyStatus.OPEN)
        Question.objects.bulk_create([Question(survey=survey, order=i, kind=q["kind"], text=q["text"],
                                               choices=q.get("choices") or [], required=q.get("required", True))
                                      for i, q in enumerate(questions, start=1)])
        Quota.objects.bulk_create([Quota(survey=survey, district=districts[c], target=n) for c, n in quotas.items()])
        record_change(actor=actor, action="evaluation.create_survey", obj=survey, before=None, after=snapshot(survey),
                      extra={"questions": len(questions), "quotas": quotas})
        return survey


def do_issue_invitations(*, actor: Any, survey: Survey, district: Unit, count: int) -> list[str]:
    """Issue ``count`` one-time invitation tokens (邀请码) for a district; only their hashes are kept,
    so the returned tokens are shown once (to print or send)."""
    check_evaluate(actor)
    tokens = [secrets.token_urlsafe(12) for _ in range(count)]
    with transaction.atomic():
        Invitation.objects.bulk_create([Invitation(survey=survey, district=district, token_sha256=token_hash(t))
                                        for t in tokens])
        record_event(actor=actor, action="evaluation.issue_invitations", object_type="evaluation.survey",
                     object_id=str(survey.pk), changes={"count": count, "district": district.code})
    return tokens


class SurveyRefused(ValueError):
    """A submission that is not counted; the message is shown to the respondent."""


def do_submit_response(*, survey: Survey, token: str, answers: dict[str, Any], actor: Any = None) -> Response:
    """Count one questionnaire (提交答卷): the token must be valid and unused, its district's quota not
    full, the required questions answered within their choices. A used token or a full quota is
    refused with a clear message and nothing is counted."""
    questions = list(survey.questions.all())
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("district")
                      .filter(survey=survey, token_sha256=token_hash(token or "")).first())
        if survey.status != SurveyStatus.OPEN:
            raise SurveyRefused(_("本调查已结束，感谢关注。"))
        if invitation is None:
            raise SurveyRefused(_("邀请码无效，请核对后再试。"))
        if invitation.used_at is not None:
            raise SurveyRefused(_("该邀请码已使用过，每个邀请码只能提交一次。"))
        quota = Quota.objects.select_for_update().filter(survey=survey, district=invitation.district).first()
        if quota is None or quota.full:
            raise SurveyRefused(_("%(district)s的样本配额已满，本区问卷已关闭，感谢参与。") % {
                "district": invitation.district.display_name})
        clean, errors = _answers(questions, answers)
        if errors:
            raise SurveyRefused("；".join(errors))
        likert = [clean[str(q.pk)] for q in questions if q.kind == QuestionKind.LIKERT and str(q.pk) in clean]
        now = timezone.now()
        response = Response.objects.create(survey=survey, district=invitation.district, invitation=invitation,
                                           answers=clean, satisfaction=rules.satisfaction(likert), submitted_at=now)
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        Quota.objects.filter(pk=quota.pk).update(filled=quota.filled + 1)
        record_event(actor=actor, action="evaluation.submit_response", object_type="evaluation.response",
                     object_id=str(response.pk), changes={"district": invitation.district.code})
        return response


def do_record_responses(*, actor: Any, survey: Survey, submissions: list[tuple[str, dict[str, Any]]],
                        file: str = "responses") -> int:
    """Record questionnaires collected offline (纸质问卷录入) in one go: ``(token, answers)`` pairs.

    The same checks as :func:`do_submit_response` — valid unused token, quota not full, answers
    within their choices — all or nothing, every error listed by row; one audit entry."""
    check_evaluate(actor)
    questions = list(survey.questions.all())
    with transaction.atomic():
        invitations = {i.token_sha256: i for i in Invitation.objects.select_for_update().filter(
            survey=survey, token_sha256__in=[token_hash(t) for t, _ in submissions])}
        quotas = {q.district_id: q for q in Quota.objects.select_for_update().filter(survey=survey)}
        errors, rows, seen = [], [], set()
        now = timezone.now()
        for row, (token, answers) in enumerate(submissions, start=1):
            invitation = invitations.get(token_hash(token))
            if invitation is None or invitation.used_at is not None or invitation.pk in seen:
                errors.append(f"{file}: row {row}: the invitation token is unknown or used already")
                continue
            seen.add(invitation.pk)
            quota = quotas.get(invitation.district_id)
            if quota is None or quota.full:
                errors.append(f"{file}: row {row}: the quota of district {invitation.district_id} is full")
                continue
            clean, problems = _answers(questions, answers)
            errors += [f"{file}: row {row}: {p}" for p in problems]
            likert = [clean[str(q.pk)] for q in questions if q.kind == QuestionKind.LIKERT and str(q.pk) in clean]
            quota.filled += 1
            invitation.used_at = now
            rows.append(Response(survey=survey, district_id=invitation.district_id, invitation=invitation,
                                 answers=clean, satisfaction=rules.satisfaction(likert), submitted_at=now))
        if errors:
            raise ImportRejected(errors)
        Response.objects.bulk_create(rows, batch_size=1000)
        Invitation.objects.bulk_update([r.invitation for r in rows], ["used_at"], batch_size=1000)
        Quota.objects.bulk_update(list(quotas.values()), ["filled"])
        record_event(actor=actor, action="evaluation.record_responses", object_type="evaluation.survey",
                     object_id=str(survey.pk), changes={"responses": len(rows)}, extra={"file": file})
        return len(rows)


def _answers(questions: list[Question], answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    clean: dict[str, Any] = {}
    errors = []
    for q in questions:
        raw = answers.get(str(q.pk))
        empty = raw in (None, "", [])
        if empty:
            if q.required:
                errors.append(_("第%(n)s题未作答") % {"n": q.order})
            continue
        if q.kind == QuestionKind.LIKERT:
            if str(raw) not in {"1", "2", "3", "4", "5"}:
                errors.append(_("第%(n)s题请选择1–5分") % {"n": q.order})
                continue
            clean[str(q.pk)] = int(raw)
        elif q.kind == QuestionKind.SINGLE:
            if raw not in q.choices:
                errors.append(_("第%(n)s题的选项无效") % {"n": q.order})
                continue
            clean[str(q.pk)] = raw
        elif q.kind == QuestionKind.MULTIPLE:
            picked = raw if isinstance(raw, list) else [raw]
            if any(p not in q.choices for p in picked):
                errors.append(_("第%(n)s题的选项无效") % {"n": q.order})
                continue
            clean[str(q.pk)] = picked
        else:
            clean[str(q.pk)] = str(raw)[:2000]
    return clean, errors


# ------------------------------------------------------------------------------------------- loop 1

def do_generate_proposals(*, actor: Any, rnd: Round) -> int:
    """Recalibration proposals (校准建议) from the round and the earlier rounds of its system:
    targets too soft or unrealistic (target-attainment indicators), indicators with no variance
    across the peer group, and units persistently low on an indicator (review the duty behind it).
    Idempotent by key. Returns how many are new."""
    check_evaluate(actor)
    rounds = list(Round.objects.filter(system=rnd.system, period_end__lte=rnd.period_end)
                  .exclude(status=RoundStatus.SUPERSEDED).order_by("period_end", "pk"))
    s = score_round(rnd)
    new: list[Proposal] = []
    for j in rules.zero_variance(s.values):
        leaf = s.leaves[j]
        value = float(np.nanmax(s.values[:, j]))
        new.append(Proposal(kind="zero_variance", key=f"zero_variance:{rnd.pk}:{leaf.code}", round=rnd, indicator=leaf,
                            evidence={"value": value, "units": len(s.units)}).with_texts())
    history: dict[tuple[int, int], list[float]] = {}
    attain: dict[tuple[int, int], list[float]] = {}
    for past in rounds:
        for unit_id, leaf_id, normalised, raw, target in _normalised_history(past):
            history.setdefault((unit_id, leaf_id), []).append(normalised)
            if target:
                attain.setdefault((unit_id, leaf_id), []).append(raw / target)
    leaf_by_id = {leaf.pk: leaf for leaf in s.leaves}
    unit_by_id = {u.pk: u for u in s.units}
    for (unit_id, leaf_id), kind in rules.attainment_runs({k: v for k, v in attain.items()}).items():
        if unit_id not in unit_by_id or leaf_id not in leaf_by_id:
            continue
        leaf, unit = leaf_by_id[leaf_id], unit_by_id[unit_id]
        ratios = [round(x, 3) for x in attain[(unit_id, leaf_id)]]
        new.append(Proposal(kind=kind, key=f"{kind}:{rnd.pk}:{unit.code}:{leaf.code}", round=rnd, unit=unit,
                            indicator=leaf, evidence={"attainment": ratios, "target": leaf.target}).with_texts())
    low = rules.persistently_low({k: v for k, v in history.items()})
    for unit_id, leaf_id in low:
        if unit_id not in unit_by_id or leaf_id not in leaf_by_id:
            continue
        leaf, unit = leaf_by_id[leaf_id], unit_by_id[unit_id]
        new.append(Proposal(kind="duty_review", key=f"duty_review:{rnd.pk}:{unit.code}:{leaf.code}", round=rnd,
                            unit=unit, indicator=leaf,
                            evidence={"normalised": [round(x, 3) for x in history[(unit_id, leaf_id)]]}).with_texts())
    with transaction.atomic():
        known = set(Proposal.objects.filter(key__in=[p.key for p in new]).values_list("key", flat=True))
        fresh = [p for p in new if p.key not in known]
        Proposal.objects.bulk_create(fresh)
        record_event(actor=actor, action="evaluation.generate_proposals", object_type="evaluation.round",
                     object_id=str(rnd.pk), changes={"new": len(fresh)},
                     extra={"kinds": sorted({p.kind for p in fresh})})
    return len(fresh)


def _normalised_history(rnd: Round) -> list[tuple[int, int, float, float, float | None]]:
    """``(unit id, leaf id, normalised, raw, target)`` of a scored round, from its stored explanations."""
    leaf_ids = {i.code: (i.pk, i.target) for i in rnd.system.indicators.all()}
    out = []
    for unit_id, details in rnd.results.values_list("unit_id", "details"):
        for d in details:
            if d.get("normalised") is None or d["indicator"] not in leaf_ids:
                continue
            pk, target = leaf_ids[d["indicator"]]
            out.append((unit_id, pk, d["normalised"], d["raw"], target))
    return out


@dataclass(frozen=True)
class DutyDraft:
    """What an accepted duty-review proposal asks of the catalogue (权责事项调整草案): the item and
    either its cancellation or an amendment (new lead units and/or a responsibility matter to add)."""

    item_code: str
    remove: bool = False
    lead_units: tuple[str, ...] = ()
    add_matter: str = ""


def do_decide_proposal(*, actor: Any, proposal: Proposal, accept: bool, reason: str,
                       suggestion: str | None = None, duty: DutyDraft | None = None) -> Proposal:
    """Accept (possibly edited) or reject a proposal with a reason (采纳/不予采纳), audited. An accepted
    proposal becomes a draft for the owning office to approve: a draft target for next year in
    ``zeren.targets`` (targets too soft or unrealistic), or a draft change to a duty item in the
    current draft adjustment batch of ``zeren.duties`` (a duty to review: ``duty`` names the item and
    the change), which the 编办 approves or rejects. Refused as a whole if the draft cannot be made."""
    check_evaluate(actor, proposal.unit)
    if not reason.strip():
        raise ValidationError(_("须写明理由"))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(f"proposal {proposal.pk} was decided already ({proposal.get_status_display()})")
        before = snapshot(proposal)
        if suggestion is not None and suggestion.strip():
            proposal.suggestion = suggestion.strip()
        proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        proposal.decision_reason = reason
        proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        proposal.decided_at = timezone.now()
        if accept:
            proposal.draft = _draft(actor, proposal, duty)
        proposal.save()
        record_change(actor=actor, action="evaluation.decide_proposal", obj=proposal, before=before,
                      after=snapshot(proposal), reason=reason)
        return proposal


def _draft(actor: Any, proposal: Proposal, duty: DutyDraft | None) -> str:
    """Hand an accepted proposal to its owner as a draft; returns what was made.

    Targets too soft or unrealistic: a draft target for next year in ``zeren.targets`` (state
    ``draft``, counting nowhere until the unit's office approves it) with the suggested value. A
    duty to review: a draft change to the named duty item in the duties catalogue's draft
    adjustment batch (调整批次草案), for the 编办 to approve. An indicator without variance concerns
    the performance office's own system: noted for its next revision."""
    if proposal.kind in (ProposalKind.TARGET_TOO_SOFT, ProposalKind.TARGET_UNREALISTIC) and proposal.unit:
        return _draft_target(actor, proposal)
    if proposal.kind == ProposalKind.DUTY_REVIEW:
        return _draft_duty(actor, proposal, duty)
    return f"evaluation.indicator:{proposal.indicator.code if proposal.indicator else ''} (next system revision)"


def _draft_duty(actor: Any, proposal: Proposal, duty: DutyDraft | None) -> str:
    from zeren.duties.actions import CatalogueError, do_propose_change

    if duty is None or not duty.item_code.strip():
        raise ValidationError(_("采纳职责复核建议须指定要调整的权责事项编码"))
    if not duty.remove and not duty.lead_units and not duty.add_matter.strip():
        raise ValidationError(_("须写明对该事项的调整：取消、改定牵头单位或增加责任事项"))
    content = {"lead_units": list(duty.lead_units)} if duty.lead_units and not duty.remove else {}
    append = {"responsibility_matters": [duty.add_matter]} if duty.add_matter.strip() and not duty.remove else {}
    try:
        change = do_propose_change(
            actor=actor, kind="remove" if duty.remove else "amend", item_code=duty.item_code, content=content,
            append=append, unit=proposal.unit, origin=f"evaluation.proposal:{proposal.pk}",
            origin_url=f"/evaluation/proposals/?status=accepted#proposal-{proposal.pk}",
            reason=_calibration_reason(proposal))
    except CatalogueError as exc:
        raise ValidationError(str(exc)) from exc
    return f"duties.draftchange:{change.pk}"


def _calibration_reason(proposal: Proposal) -> Message:
    """The duty change's reason: the proposal's summary and suggestion in both languages (as the proposal
    page shows them), the deciding officer's reason as written."""
    texts = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts[language] = (proposal.display_summary, proposal.display_suggestion)
    return message("evaluation.calibration_change", summary=names(texts["zh-hans"][0], texts["en"][0]),
                   suggestion=names(texts["zh-hans"][1], texts["en"][1]), reason=proposal.decision_reason)


def _draft_target(actor: Any, proposal: Proposal) -> str:
    from zeren.targets.actions import TargetSpec, do_create_draft_target

    year = proposal.round.period_end.year + 1
    indicator = proposal.indicator
    ratios = proposal.evidence.get("attainment") or [1.0]
    base = indicator.target if indicator and indicator.target else None
    value = round(base * ratios[-1], 4) if base else None
    spec = TargetSpec(code=f"EVAL-{year}-{proposal.unit.code}-{indicator.code if indicator else proposal.pk}"[:80],
                      year=year, title=f"{indicator.name if indicator else proposal.summary}（绩效评估校准）"[:300],
                      unit=proposal.unit, start=date(year, 1, 1), deadline=date(year, 12, 31),
                      measure=indicator.unit if indicator else "", target_value=value, note=proposal.suggestion)
    target = do_create_draft_target(actor=actor, spec=spec, reason=proposal.decision_reason)
    return f"targets.target:{target.code}"
