"""Every write to the function catalogue (权责清单). Item changes always go through :func:`apply_contents`,
which versions them under a reform batch; each action writes one audit entry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.access.rules import ADMINISTER, ADMINISTER_DUTIES, APPROVE, EVALUATE, path_in_scope
from zeren.access.scope import can, scope_paths
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.audit.rules import canonical_json
from zeren.core import bulk
from zeren.core.messages import Message, message, stored
from zeren.duties.models import (
    ChangeKind,
    DraftBatch,
    DraftChange,
    DraftKind,
    DraftStatus,
    DutyFinding,
    FindingStatus,
    FunctionItem,
    ItemResponsibility,
    ItemVersion,
    PositionDescription,
    ReformBatch,
    Resolution,
    ResponsibilityRole,
)
from zeren.duties.rules import FieldError, classify_change, item_content
from zeren.findings.actions import do_follow_source, do_follow_sources
from zeren.org.models import Unit


class CatalogueError(ValueError):
    """A catalogue change that cannot be applied (unknown unit, batch older than the current version…)."""


@dataclass
class ApplyResult:
    batch: ReformBatch
    counts: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in ChangeKind})
    unchanged: int = 0
    digest: str = ""


def rows_digest(rows: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of a batch of rows: what the batch's single audit entry vouches for."""
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()


def do_get_or_create_batch(*, actor: Any, name: str, day: date, document_number: str = "") -> ReformBatch:
    """The reform batch (改革批次) called ``name``, created (and audited) if it does not exist."""
    with transaction.atomic():
        batch = ReformBatch.objects.filter(name=name).first()
        if batch is not None:
            if batch.date != day:
                raise CatalogueError(_("改革批次「%(name)s」已存在，生效日期为 %(date)s，不是 %(day)s") % {
                    "name": name, "date": batch.date, "day": day})
            return batch
        batch = ReformBatch.objects.create(name=name, date=day, document_number=document_number)
        record_change(actor=actor, action="duties.create_batch", obj=batch, before=None, after=snapshot(batch))
        return batch


def adjustment_batch(actor: Any, day: date | None = None) -> ReformBatch:
    """The batch for day-to-day adjustments made while resolving findings (日常调整): one per day."""
    day = day or timezone.localdate()
    return do_get_or_create_batch(actor=actor, name=f"日常调整 {day.isoformat()}", day=day)


def current_contents(codes: Iterable[str] | None = None) -> dict[str, tuple[ItemVersion, dict[str, Any]]]:
    """Open versions (现行版本) by code: the current content of every active item."""
    qs = ItemVersion.objects.filter(ended_by__isnull=True).only("id", "code", "valid_from", "content", "item_id")
    versions = qs if codes is None else _by_code(qs, codes)
    return {v.code: (v, v.content) for v in versions}


def apply_contents(
    *,
    contents: list[dict[str, Any]],
    batch: ReformBatch,
    removed: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
) -> ApplyResult:
    """Bring the catalogue to ``contents`` (and remove ``removed`` codes) under ``batch``, in bulk.

    Callers wrap this in their transaction and write the audit entry. An unchanged row is skipped;
    a changed one closes its open version at the batch date and opens a new one.
    """
    result = ApplyResult(batch=batch)
    removed = list(removed)
    wanted = [c["code"] for c in contents] + removed
    current = current_contents(wanted)
    unit_ids = _unit_ids({u for c in contents for u in c["lead_units"] + c["assisting_units"]})
    existing = {i.code: i for i in _by_code(FunctionItem.objects.all(), wanted)}

    changed: list[tuple[dict[str, Any], str]] = []
    for content in contents:
        before = current.get(content["code"], (None, None))[1]
        kind = classify_change(before, content)
        if kind is None:
            result.unchanged += 1
        else:
            changed.append((content, kind))
    for code in removed:
        if code not in current:
            raise CatalogueError(_("事项 %(code)s 不存在或已取消") % {"code": code})
    touched = {c["code"] for c, _k in changed} | set(removed)
    for version, _content in current.values():
        if version.valid_from > batch.date and version.code in touched:
            raise CatalogueError(_("事项 %(code)s 的现行版本始于 %(start)s，晚于批次日期 %(date)s") % {
                "code": version.code, "start": version.valid_from, "date": batch.date})

    # Items: create the new ones, update the others, then link parents (they may be in the same batch).
    new_items = [FunctionItem(code=c["code"]) for c, _k in changed if c["code"] not in existing]
    by_code_content = {c["code"]: c for c, _k in changed}
    for item in new_items:
        _fill_item(item, by_code_content[item.code])
    FunctionItem.objects.bulk_create(new_items, batch_size=1000)  # sets pks on SQLite ≥ 3.35 and PostgreSQL
    new_codes = {i.code for i in new_items}
    existing.update({i.code: i for i in new_items})
    parent_ids = {i.code: i.pk for i in _by_code(FunctionItem.objects.only("id", "code"),
                                                 {c["parent"] for c, _k in changed if c["parent"]})}
    updated, parented = [], []
    for content, _kind in changed:
        item = existing[content["code"]]
        parent = content["parent"]
        if parent and parent not in parent_ids:
            raise CatalogueError(_("事项 %(code)s 的上级事项 %(parent)s 不存在") % {"code": item.code, "parent": parent})
        item.parent_id = parent_ids.get(parent) if parent else None
        if item.code not in new_codes:
            _fill_item(item, content)
            item.is_active = True
            updated.append(item)
        elif parent:
            parented.append(item)
    for code in removed:
        existing[code].is_active = False
        updated.append(existing[code])
    FunctionItem.objects.bulk_update(updated, ["name", "category", "area", "level", "legal_basis", "parent",
                                               "responsibility_matters", "accountability_situations", "is_active"],
                                     batch_size=500)
    FunctionItem.objects.bulk_update(parented, ["parent"], batch_size=500)

    # Responsibilities: replaced wholesale for every changed item.
    touched_ids = [existing[c["code"]].pk for c, _k in changed] + [existing[c].pk for c in removed]
    for part in bulk.chunks(touched_ids):
        ItemResponsibility.objects.filter(item_id__in=part).delete()
    links = []
    for content, _kind in changed:
        item_id = existing[content["code"]].pk
        links += [ItemResponsibility(item_id=item_id, unit_id=unit_ids[u], role=ResponsibilityRole.LEAD)
                  for u in content["lead_units"]]
        links += [ItemResponsibility(item_id=item_id, unit_id=unit_ids[u], role=ResponsibilityRole.ASSISTING)
                  for u in content["assisting_units"]]
    ItemResponsibility.objects.bulk_create(links, batch_size=2000)

    # Versions: close the open ones, open the new ones.
    closing = [current[c["code"]][0] for c, _k in changed if c["code"] in current] + [current[c][0] for c in removed]
    for version in closing:
        version.valid_until = batch.date
        version.ended_by = batch
    ItemVersion.objects.bulk_update(closing, ["valid_until", "ended_by"], batch_size=1000)
    versions = []
    for n, (content, kind) in enumerate(changed, 1):
        versions.append(ItemVersion(
            item_id=existing[content["code"]].pk, code=content["code"], batch=batch, change=kind,
            valid_from=batch.date, name=content["name"], category=content["category"], area=content["area"],
            level=content["level"], unit_codes=_unit_codes(content), content=content,
        ))
        result.counts[kind] += 1
        if progress and n % 500 == 0:
            progress(500)
    ItemVersion.objects.bulk_create(versions, batch_size=1000)
    result.counts[ChangeKind.REMOVED] += len(removed)
    if progress:
        progress(len(changed) % 500 + len(removed))
    return result


def _by_code(queryset: Any, codes: Iterable[str]) -> list[Any]:
    """``queryset.filter(code__in=codes)`` in chunks small enough for any database's parameter limit."""
    return bulk.filter_in(queryset, "code", sorted(set(codes)))


def _fill_item(item: FunctionItem, content: dict[str, Any]) -> None:
    for key in ("name", "category", "area", "level", "legal_basis", "responsibility_matters",
                "accountability_situations"):
        setattr(item, key, content[key])


def _unit_codes(content: dict[str, Any]) -> str:
    codes = content["lead_units"] + content["assisting_units"]
    return "|" + "|".join(codes) + "|" if codes else ""


def _unit_ids(codes: set[str]) -> dict[str, int]:
    found = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
    missing = sorted(codes - set(found))
    if missing:
        raise CatalogueError(_("单位代码不存在：%(codes)s") % {"codes": "、".join(missing[:10])})
    return found


# --- who may change the catalogue (权限) ----------------------------------------------------


def catalogue_scope(actor: Any) -> list[str]:
    """Unit paths under which ``actor`` may import items or edit position descriptions: where they hold
    ``administer`` (imports, registry) or ``approve`` (a unit head, 单位负责人, for their own units)."""
    return sorted(set(scope_paths(actor, ADMINISTER)) | set(scope_paths(actor, APPROVE)))


def may_manage_unit(actor: Any, unit: Unit) -> bool:
    return can(actor, ADMINISTER, unit) or can(actor, APPROVE, unit)


def import_denials(actor: Any, contents: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """``(position in contents, field, message)`` for every row ``actor`` may not import.

    A row may be imported when every unit it names, and every unit now holding the item it
    replaces, lies in :func:`catalogue_scope` — so a unit head cannot move another unit's item to
    themselves or load items onto another unit. A row that names no unit needs ``administer``.
    """
    paths = catalogue_scope(actor)
    if paths == ["/"]:
        return []
    now = {code: c["lead_units"] + c["assisting_units"] for code, (_v, c) in
           current_contents([c["code"] for c in contents]).items()}
    codes = {u for c in contents for u in c["lead_units"] + c["assisting_units"] + now.get(c["code"], [])}
    unit_paths = dict(Unit.objects.filter(code__in=codes).values_list("code", "path")) if codes else {}
    administers = bool(scope_paths(actor, ADMINISTER))
    denials = []
    for n, c in enumerate(contents):
        for key, units in (("lead_units", c["lead_units"]), ("assisting_units", c["assisting_units"]),
                           ("code", now.get(c["code"], []))):
            outside = [u for u in units if not path_in_scope(unit_paths.get(u, ""), paths)]
            if outside:
                what = (_("%(units)s 现由单位承担，无权修改") if key == "code" else _("%(units)s 超出本人管理范围"))
                denials.append((n, key, what % {"units": _("、").join(outside)}))
        if not c["lead_units"] + c["assisting_units"] + now.get(c["code"], []) and not administers:
            denials.append((n, "lead_units", _("未指定单位的事项须由管理员导入")))
    return denials


def do_import_items(
    *,
    actor: Any,
    contents: list[dict[str, Any]],
    batch: ReformBatch,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> ApplyResult:
    """Import a list of items (导入权责清单) under ``batch``: all or nothing, one audit entry for the batch
    carrying the SHA-256 of the canonical rows. An existing code is updated. A user may import only rows within
    their catalogue scope (:func:`import_denials`, checked here and not only by the page's validation)."""
    if actor is not None:
        denied = import_denials(actor, contents)
        if denied:
            raise PermissionDenied("; ".join(f"{contents[n]['code']}: {message}" for n, _field, message in denied[:5]))
    with transaction.atomic():
        result = apply_contents(contents=contents, batch=batch, progress=progress)
        result.digest = rows_digest(contents)
        record_event(
            actor=actor, action="duties.import_items", object_type="duties.reformbatch", object_id=str(batch.pk),
            changes={"counts": result.counts, "unchanged": result.unchanged},
            extra={"rows": len(contents), "sha256": result.digest, "source": source, "batch": batch.name},
        )
        return result


def do_remove_items(*, actor: Any, codes: list[str], batch: ReformBatch, reason: str) -> ApplyResult:
    """Cancel items (取消事项) under a reform batch."""
    with transaction.atomic():
        result = apply_contents(contents=[], batch=batch, removed=codes)
        record_event(actor=actor, action="duties.remove_items", object_type="duties.reformbatch",
                     object_id=str(batch.pk), changes={"removed": codes}, reason=reason)
        return result


# --- resolving findings (问题处理) ----------------------------------------------------------
#
# Who decides: the 编办 (机构编制部门) — whoever holds ``administer_duties`` — over the finding's unit
# and over every unit of every item the resolution touches, old holders and new ones alike. The
# departments are parties to an overlap, not its judges (docs/duties.md, "Resolution workflow").


def may_resolve(actor: Any, finding: DutyFinding) -> bool:
    """May ``actor`` resolve ``finding`` at all (its own unit; a finding of no unit needs city-wide scope)?"""
    paths = scope_paths(actor, ADMINISTER_DUTIES)
    return path_in_scope(finding.unit.path, paths) if finding.unit_id else "/" in paths


def _check_resolve(actor: Any, finding: DutyFinding, items: dict[str, dict[str, Any]], new_units: Iterable[str]) -> None:
    """Every object the resolution touches is checked here, inside the action: the finding; the items,
    which must be the finding's own; every unit now on those items and every unit they will name."""
    if not may_resolve(actor, finding):
        raise PermissionDenied(f"administer_duties not allowed on finding {finding.pk}")
    foreign = sorted(set(items) - set(finding.item_codes))
    if foreign:
        raise CatalogueError(_("事项 %(codes)s 不属于该问题") % {"codes": "、".join(foreign)})
    codes = {u for c in items.values() for u in c["lead_units"] + c["assisting_units"]} | set(new_units)
    _check_administer(actor, codes)


def _check_administer(actor: Any, codes: set[str]) -> None:
    """Every unit in ``codes`` exists and lies in ``actor``'s ``administer_duties`` scope (the 编办's)."""
    paths = dict(Unit.objects.filter(code__in=codes).values_list("code", "path")) if codes else {}
    missing = sorted(codes - set(paths))
    if missing:
        raise CatalogueError(_("单位代码不存在：%(codes)s") % {"codes": "、".join(missing)})
    allowed = scope_paths(actor, ADMINISTER_DUTIES)
    outside = sorted(code for code, path in paths.items() if not path_in_scope(path, allowed))
    if outside:
        raise PermissionDenied(f"administer_duties not allowed on {', '.join(outside)}")


def _resolve(finding: DutyFinding, actor: Any, resolution: str, reason: str, extra: dict[str, Any],
             items_before: dict[str, dict[str, Any] | None] | None = None) -> None:
    """Close ``finding`` with ``resolution`` (audited on the finding) and write one audit entry on each item
    the resolution changed (``items_before``: code → content before, ``None`` for a new item), so each
    item's own history shows who changed it, why and under which finding."""
    before = snapshot(finding, ["status", "resolution", "resolution_reason"])
    finding.status = FindingStatus.INTENDED if resolution == Resolution.INTENDED else FindingStatus.RESOLVED
    finding.resolution = resolution
    finding.resolution_reason = reason
    finding.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    finding.resolved_at = timezone.now()
    finding.save(update_fields=["status", "resolution", "resolution_reason", "resolved_by", "resolved_at"])
    record_change(actor=actor, action=f"duties.resolve_{resolution}", obj=finding, before=before,
                  after=snapshot(finding, ["status", "resolution", "resolution_reason"]), reason=reason, extra=extra)
    # The shared finding (问题线索) follows: confirmed reasonable → dismissed, otherwise resolved.
    do_follow_source(evidence_type="duties.dutyfinding", evidence_id=str(finding.pk), actor=actor,
                     outcome="dismissed" if resolution == Resolution.INTENDED else "resolved",
                     reason=f"{Resolution(resolution).label}：{reason}")
    if not items_before:
        return
    after = current_contents(items_before)
    for item in _by_code(FunctionItem.objects.all(), items_before):
        old, new = items_before[item.code], after.get(item.code, (None, None))[1]
        record_change(actor=actor, action=f"duties.item.{resolution}", obj=item,
                      before=None if old is None else _item_state(old, True),
                      after=_item_state(new if new is not None else old, new is not None),
                      reason=reason, extra={**extra, "finding": finding.pk})


def _item_state(content: dict[str, Any], active: bool) -> dict[str, Any]:
    keys = ("name", "parent", "lead_units", "assisting_units", "responsibility_matters", "accountability_situations")
    return {**{k: content.get(k) for k in keys}, "is_active": active}


def _require_open(finding: DutyFinding) -> None:
    if finding.status != FindingStatus.OPEN:
        raise CatalogueError(_("该问题已处于「%(status)s」状态") % {"status": finding.get_status_display()})


def do_mark_intended(*, actor: Any, finding: DutyFinding, reason: str) -> DutyFinding:
    """Mark a finding as intended (确认合理), e.g. a deliberate joint responsibility; a reason is required."""
    if not reason.strip():
        raise CatalogueError(_("确认合理须说明理由"))
    with transaction.atomic():
        _check_resolve(actor, finding, {}, [])
        _require_open(finding)
        _resolve(finding, actor, Resolution.INTENDED, reason.strip(), {})
        return finding


def do_assign_lead(*, actor: Any, finding: DutyFinding, item_code: str, unit_code: str, reason: str,
                   batch: ReformBatch | None = None) -> DutyFinding:
    """Assign one lead unit (指定牵头单位) to an item: the other former leads become assisting units."""
    with transaction.atomic():
        content = dict(_current(item_code))
        _check_resolve(actor, finding, {item_code: content}, [unit_code])
        _require_open(finding)
        batch = batch or adjustment_batch(actor)
        others = [u for u in content["lead_units"] + content["assisting_units"] if u != unit_code]
        changed = {**content, "lead_units": [unit_code], "assisting_units": others}
        apply_contents(contents=[changed], batch=batch)
        _resolve(finding, actor, Resolution.ASSIGN_LEAD, reason,
                 {"item": item_code, "lead_unit": unit_code, "batch": batch.name}, {item_code: content})
        return finding


def do_merge_items(*, actor: Any, finding: DutyFinding, keep_code: str, merge_codes: list[str], reason: str,
                   batch: ReformBatch | None = None) -> DutyFinding:
    """Merge duplicate items into one (合并事项): the kept item gains the others' units (as assisting),
    responsibility matters and accountability situations; the others are cancelled."""
    with transaction.atomic():
        if keep_code in merge_codes or not merge_codes:
            raise CatalogueError(_("须保留一个事项并至少合并一个其他事项"))
        before = {code: _current(code) for code in [keep_code, *merge_codes]}
        _check_resolve(actor, finding, before, [])
        _require_open(finding)
        batch = batch or adjustment_batch(actor)
        keep = dict(before[keep_code])
        for code in merge_codes:
            other = before[code]
            for key in ("responsibility_matters", "accountability_situations"):
                keep[key] = keep[key] + [m for m in other[key] if m not in keep[key]]
            keep["assisting_units"] = keep["assisting_units"] + [
                u for u in other["lead_units"] + other["assisting_units"]
                if u not in keep["lead_units"] and u not in keep["assisting_units"]]
        apply_contents(contents=[keep], batch=batch, removed=merge_codes)
        _resolve(finding, actor, Resolution.MERGE, reason, {"kept": keep_code, "merged": merge_codes,
                                                             "batch": batch.name}, before)
        return finding


def do_split_item(*, actor: Any, finding: DutyFinding, item_code: str, parts: list[tuple[str, str, str]],
                  reason: str, batch: ReformBatch | None = None) -> DutyFinding:
    """Split an item (拆分事项) into new sub-items ``(code, name, lead unit)``: each part is a child of the item,
    inheriting its category, basis, matters and situations, so each unit holds a distinct part."""
    if len(parts) < 2:
        raise CatalogueError(_("拆分须至少给出两个子事项"))
    with transaction.atomic():
        base = _current(item_code)
        _check_resolve(actor, finding, {item_code: base}, [unit for _code, _name, unit in parts])
        _require_open(finding)
        codes = [code for code, _name, _unit in parts]
        taken = sorted({i.code for i in _by_code(FunctionItem.objects.only("code"), codes)} | {
            c for c in codes if codes.count(c) > 1})
        if taken:
            raise CatalogueError(_("子事项编码已存在或重复：%(codes)s") % {"codes": "、".join(taken)})
        batch = batch or adjustment_batch(actor)
        children = [
            {**base, "code": code, "name": name, "lead_units": [unit], "assisting_units": [], "parent": item_code}
            for code, name, unit in parts
        ]
        apply_contents(contents=children, batch=batch)
        _resolve(finding, actor, Resolution.SPLIT, reason, {"item": item_code, "parts": codes, "batch": batch.name},
                 {item_code: base, **dict.fromkeys(codes)})
        return finding


def _current(code: str) -> dict[str, Any]:
    found = current_contents([code]).get(code)
    if found is None:
        raise CatalogueError(_("事项 %(code)s 不存在或已取消") % {"code": code})
    return found[1]


# --- draft adjustment batches (调整批次草案) -----------------------------------------------
#
# Anyone with a stake may propose a change to the catalogue — the performance office from its
# recalibration proposals (loop 1), a unit head for their unit, the 编办 itself — and it waits in a
# draft batch until the 编办 (``administer_duties`` over every unit the change touches) approves it,
# which applies it through :func:`apply_contents` under a reform batch, or rejects it with a reason.

AMENDABLE = ("name", "category", "area", "level", "legal_basis", "parent", "lead_units", "assisting_units",
             "responsibility_matters", "accountability_situations")


def draft_batch_name(day: date | None = None) -> str:
    """The default draft batch of a year (年度权责清单调整批次（草案）)."""
    return f"{(day or timezone.localdate()).year}年度权责清单调整批次（草案）"


def check_propose_change(actor: Any, unit: Unit | None) -> None:
    """A change may be proposed by the performance office (``evaluate``), the unit's head (``approve``)
    or the 编办 (``administer_duties``) over the unit concerned; with no unit, over the city."""
    if actor is None:  # the demo and commands act as the system
        return
    if unit is None:
        unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None or not any(can(actor, cap, unit) for cap in (EVALUATE, APPROVE, ADMINISTER_DUTIES)):
        raise PermissionDenied("may not propose changes to the catalogue for this unit")


APPENDABLE = ("assisting_units", "responsibility_matters", "accountability_situations")


# What an audit entry records of a draft change: every field but its reason's message (the entry records the
# reason as text); entries keep the shape they had before reasons were messages.
DRAFT_AUDITED = [f.attname for f in DraftChange._meta.concrete_fields if f.name not in ("reason_key", "reason_params")]


def do_propose_change(*, actor: Any, kind: str, item_code: str, content: dict[str, Any] | None = None,
                      append: dict[str, list[str]] | None = None, reason: str | Message, unit: Unit | None = None,
                      origin: str = "", origin_url: str = "", batch_name: str = "") -> DraftChange:
    """Put a proposed change (草案条目) into a draft batch (default: this year's): ``add`` with the
    item's full content, ``amend`` with the fields to change (of :data:`AMENDABLE`) and/or entries to
    add to a list field (``append``, of :data:`APPENDABLE`, e.g. a responsibility matter), ``remove``.
    Checked now against the current catalogue (the item exists, the fields and unit codes are
    valid) and again when the 编办 decides. Audited; nothing in the catalogue changes yet."""
    check_propose_change(actor, unit)
    reason, reason_key, reason_params = stored(reason)
    content = dict(content or {})
    item_code = item_code.strip()
    if not reason.strip():
        raise CatalogueError(_("须说明调整理由"))
    if kind not in DraftKind.values:
        raise CatalogueError(_("未知的调整类型：%(kind)s") % {"kind": kind})
    base: dict[str, Any] = {}
    if kind == DraftKind.ADD:
        if FunctionItem.objects.filter(code=content.get("code") or item_code).exists():
            raise CatalogueError(_("事项编码 %(code)s 已存在") % {"code": content.get("code") or item_code})
        content = _valid_content({**content, "code": item_code})
        _unit_ids(set(content["lead_units"]) | set(content["assisting_units"]))
    else:
        base = _current(item_code)
        if kind == DraftKind.AMEND:
            unknown = sorted(set(content) - set(AMENDABLE)) + sorted(set(append or {}) - set(APPENDABLE))
            if unknown:
                raise CatalogueError(_("不能修订的字段：%(fields)s") % {"fields": "、".join(unknown)})
            for key, extra in (append or {}).items():
                listed = list(content.get(key, base[key]))
                content[key] = listed + [e.strip() for e in extra if e.strip() and e.strip() not in listed]
            merged = _valid_content({**base, **content})
            content = {k: merged[k] for k in content}
            if not content or all(content[k] == base.get(k) for k in content):
                raise CatalogueError(_("修订草案须写明要修改的内容"))
            _unit_ids(set(merged["lead_units"]) | set(merged["assisting_units"]))
        else:
            content = {}
    with transaction.atomic():
        name = batch_name or draft_batch_name()
        batch = DraftBatch.objects.filter(name=name).first()
        if batch is None:
            batch = DraftBatch.objects.create(name=name)
            record_change(actor=actor, action="duties.create_draft_batch", obj=batch, before=None,
                          after=snapshot(batch))
        change = DraftChange.objects.create(
            batch=batch, kind=kind, item_code=item_code, content=content, base=base, unit=unit,
            reason=reason.strip(), reason_key=reason_key, reason_params=reason_params, origin=origin[:200],
            origin_url=origin_url[:300],
            proposed_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_change(actor=actor, action="duties.propose_change", obj=change, before=None,
                      after=snapshot(change, DRAFT_AUDITED),
                      reason=change.reason, extra={"batch": batch.name, "origin": origin})
        return change


def _valid_content(row: dict[str, Any]) -> dict[str, Any]:
    try:
        return item_content(row)
    except FieldError as exc:
        raise CatalogueError(f"{exc.field}：{exc}") from None


def proposed_content(change: DraftChange) -> dict[str, Any] | None:
    """What the item would be if ``change`` were approved now (``None``: cancelled)."""
    if change.kind == DraftKind.REMOVE:
        return None
    if change.kind == DraftKind.ADD:
        return change.content
    return _valid_content({**_current(change.item_code), **change.content})


def do_decide_change(*, actor: Any, change: DraftChange, approve: bool, reason: str,
                     day: date | None = None) -> DraftChange:
    """The 编办 approves (批准) or rejects (不予批准) a proposed change, with its reason. Approval
    applies it to the catalogue through :func:`apply_contents` under the reform batch
    「<draft batch>（<day>）」, audited on the change and on the item; a change that would not alter
    the item, or whose item has gone, is refused and stays pending."""
    if not reason.strip():
        raise CatalogueError(_("须填写审核意见"))
    day = day or timezone.localdate()
    with transaction.atomic():
        change = DraftChange.objects.select_for_update().select_related("batch").get(pk=change.pk)
        if change.status != DraftStatus.PENDING:
            raise CatalogueError(_("该草案条目已%(status)s") % {"status": change.get_status_display()})
        now = current_contents([change.item_code]).get(change.item_code, (None, None))[1]
        after = proposed_content(change) if approve else None
        units = {u for c in (now, after) if c for u in c["lead_units"] + c["assisting_units"]}
        if actor is not None:  # the demo and commands act as the system
            _check_administer(actor, units)
            if not units and "/" not in scope_paths(actor, ADMINISTER_DUTIES):
                raise PermissionDenied("an item of no unit is decided with administer_duties over the whole city")
        before = snapshot(change, DRAFT_AUDITED)
        change.status = DraftStatus.APPROVED if approve else DraftStatus.REJECTED
        change.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        change.decided_at = timezone.now()
        change.decision_reason = reason.strip()
        if approve:
            if change.kind == DraftKind.ADD and now is not None:
                raise CatalogueError(_("事项 %(code)s 已存在，不能再新增") % {"code": change.item_code})
            if change.kind != DraftKind.ADD and now is None:
                raise CatalogueError(_("事项 %(code)s 不存在或已取消") % {"code": change.item_code})
            if after is not None and classify_change(now, after) is None:
                raise CatalogueError(_("该草案不改变事项内容，无需批准"))
            batch = do_get_or_create_batch(actor=actor, name=f"{change.batch.name}（{day.isoformat()}）", day=day)
            result = apply_contents(contents=[after] if after else [], batch=batch,
                                    removed=[change.item_code] if after is None else [])
            change.applied_batch = batch
        change.save()
        record_change(actor=actor, action="duties.approve_change" if approve else "duties.reject_change",
                      obj=change, before=before, after=snapshot(change, DRAFT_AUDITED), reason=change.decision_reason,
                      extra={"item": change.item_code, "kind": change.kind, "origin": change.origin})
        if approve:
            item = FunctionItem.objects.get(code=change.item_code)
            record_change(actor=actor, action=f"duties.item.draft_{change.kind}", obj=item,
                          before=None if now is None else _item_state(now, True),
                          after=_item_state(after if after is not None else now, after is not None),
                          reason=change.decision_reason,
                          extra={"draft_change": change.pk, "batch": batch.name, "counts": result.counts})
        return change


# --- position descriptions (职位说明书) -----------------------------------------------------


def check_save_position_description(*, actor: Any, post: Any, **fields: Any) -> PositionDescription:
    """Edit a position description from the web: the unit head of the post's unit, or an administrator."""
    if not may_manage_unit(actor, post.unit):
        raise PermissionDenied(f"may not edit position descriptions of {post.unit.code}")
    return do_save_position_description(actor=actor, post=post, **fields)


def do_save_position_description(
    *, actor: Any, post: Any, item_codes: list[str], duties: list[str], qualifications: list[str],
    assessment_criteria: list[str], training_requirements: list[str],
) -> PositionDescription:
    """Create or update a post's position description (职位说明书); the duties reference function items."""
    with transaction.atomic():
        items = list(FunctionItem.objects.filter(code__in=item_codes, is_active=True))
        missing = sorted(set(item_codes) - {i.code for i in items})
        if missing:
            raise CatalogueError(_("事项编码不存在：%(codes)s") % {"codes": "、".join(missing)})
        pd, created = PositionDescription.objects.get_or_create(post=post)
        before = None if created else {**snapshot(pd), "items": sorted(pd.items.values_list("code", flat=True))}
        pd.duties, pd.qualifications = duties, qualifications
        pd.assessment_criteria, pd.training_requirements = assessment_criteria, training_requirements
        pd.save()
        pd.items.set(items)
        record_change(actor=actor, action="duties.save_position_description", obj=pd, before=before,
                      after={**snapshot(pd), "items": sorted(item_codes)})
        return pd


def do_import_position_descriptions(*, actor: Any, rows: list[tuple[PositionDescription, list[int]]],
                                    source: str = "") -> int:
    """Create position descriptions in bulk (批量导入职位说明书): ``(unsaved description, item ids)`` per post;
    one audit entry for the batch with the digest of its rows."""
    with transaction.atomic():
        PositionDescription.objects.bulk_create([pd for pd, _ids in rows], batch_size=500)
        through = PositionDescription.items.through
        through.objects.bulk_create([through(positiondescription_id=pd.pk, functionitem_id=i)
                                     for pd, ids in rows for i in ids], batch_size=2000)
        canonical = [{**snapshot(pd, ["post_id", "duties", "qualifications", "assessment_criteria",
                                      "training_requirements"]), "items": sorted(ids)} for pd, ids in rows]
        record_event(actor=actor, action="duties.import_position_descriptions",
                     object_type="duties.positiondescription", object_id="batch", changes={"created": len(rows)},
                     extra={"sha256": rows_digest(canonical), "source": source})
        return len(rows)


# --- analysis results (分析结果) -------------------------------------------------------------


def do_record_findings(*, actor: Any, report: Any) -> dict[str, int]:
    """Store an analysis run: new findings open, known ones keep their status, open ones no longer
    detected become cleared (已消除). One audit entry for the run, with the digest of its findings."""
    with transaction.atomic():
        units = dict(Unit.objects.values_list("code", "pk"))
        found = {f.key: f for f in report.findings}
        known = {f.key: f for f in DutyFinding.objects.all()}
        new, seen, reopened = [], [], []
        for key, f in found.items():
            row = known.get(key)
            if row is None:
                new.append(DutyFinding(key=key, kind=f.kind, item_codes=f.items, unit_codes=f.units,
                                       unit_id=units.get(f.scope_unit), score=f.score, summary=f.summary[:500],
                                       summary_key=f.summary_key, summary_params=f.summary_params, evidence=f.evidence, size=max(1, len(f.items)),
                                       area=f.evidence.get("area", "")))
            else:
                row.score, row.evidence, row.summary = f.score, f.evidence, f.summary[:500]
                row.summary_key, row.summary_params = f.summary_key, f.summary_params
                row.size, row.area = max(1, len(f.items)), f.evidence.get("area", "")
                if row.status == FindingStatus.CLEARED:
                    row.status = FindingStatus.OPEN
                    reopened.append(row.pk)
                seen.append(row)
        DutyFinding.objects.bulk_create(new, batch_size=1000)
        DutyFinding.objects.bulk_update(seen, ["score", "evidence", "summary", "summary_key", "summary_params",
                                               "status", "size", "area"], batch_size=500)
        cleared = [r.pk for k, r in known.items() if k not in found and r.status == FindingStatus.OPEN]
        DutyFinding.objects.filter(pk__in=cleared).update(status=FindingStatus.CLEARED)
        do_follow_sources(evidence_type="duties.dutyfinding", evidence_ids=[str(pk) for pk in cleared],
                          outcome="resolved", reason=message("duties.analysis_cleared"), actor=actor)
        do_follow_sources(evidence_type="duties.dutyfinding", evidence_ids=[str(pk) for pk in reopened],
                          outcome="reopened", reason=message("duties.analysis_recurred"), actor=actor)
        item_ids = dict(FunctionItem.objects.values_list("code", "pk"))
        through = DutyFinding.items.through
        through.objects.bulk_create(
            [through(dutyfinding_id=r.pk, functionitem_id=item_ids[c]) for r in new for c in r.item_codes
             if c in item_ids], batch_size=2000)
        _raise_shared_findings(actor, new)
        counts = {"new": len(new), "seen": len(seen), "cleared": len(cleared)}
        rows = sorted(f.key for f in report.findings)
        record_event(actor=actor, action="duties.analyse", object_type="duties.dutyfinding", object_id="run",
                     changes=counts, extra={"threshold": report.threshold, "findings": len(rows),
                                            "sha256": rows_digest(rows), **report.stats})
        return counts


def _raise_shared_findings(actor: Any, rows: list[DutyFinding]) -> None:
    """Hand new findings to the shared feedback loop (``zeren.findings``, 问题线索): one per finding that
    belongs to a unit, evidence linking back to the duties finding; one audit entry for the batch."""
    from zeren.findings.actions import FindingSpec, do_raise_findings

    specs = [FindingSpec(
        dedupe_key=f"duties:{r.kind}:duties.dutyfinding:{r.pk}", cause=f"duties_{r.kind}", source_app="duties",
        title=r.summary[:300], title_key=r.summary_key, title_params=r.summary_params, unit_id=r.unit_id, evidence_type="duties.dutyfinding", evidence_id=str(r.pk),
        evidence_url=f"/duties/findings/{r.pk}/", details={"items": r.item_codes, "units": r.unit_codes,
                                                           "score": r.score},
    ) for r in rows if r.unit_id]
    do_raise_findings(actor=actor, specs=specs, reason=str(message("duties.analysis")))
