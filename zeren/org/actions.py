"""Every write to the organisation registry (组织机构), each with its audit entry.

Single changes (create/update/move/close a unit, posts, persons, memberships) write one entry
each. :func:`do_import_registry` is the one bulk path — Popolo, org-xlsx and the demo city all
go through it — and writes ONE entry per batch carrying the counts and the SHA-256 digest of the
canonical input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

from zeren.access.models import RoleAssignment
from zeren.audit.actions import record_change, record_event, snapshot
from zeren.core import bulk
from zeren.org.models import Membership, Person, Post, Unit
from zeren.org.registry import PlannedUnit, RegistryData, RegistryError, plan_registry
from zeren.org.rules import infer_level, valid_code
from zeren.org.signals import units_changed

BATCH = 2000
UNIT_FIELDS = ["name", "name_en", "short_name", "kind", "level", "functions", "valid_from", "valid_until", "sort_order",
               "population"]
POST_FIELDS = ["label", "rank", "is_leading", "valid_from", "valid_until"]
PERSON_FIELDS = ["name", "gender", "birth_date", "email", "phone", "id_number"]


# --- units -------------------------------------------------------------------------------


def _ancestor_kinds(parent: Unit | None) -> list[tuple[str, str]]:
    if parent is None:
        return []
    units = {u.code: u for u in Unit.objects.filter(code__in=[*parent.ancestor_codes(), parent.code])}
    return [(units[c].kind, units[c].level) for c in reversed([*parent.ancestor_codes(), parent.code])]


def do_create_unit(*, actor: Any, code: str, name: str, kind: str, parent: Unit | None = None,
                   level: str | None = None, reason: str = "", **fields: Any) -> Unit:
    """Create a unit (设立单位) under ``parent``; its level is inferred from the tree when not given."""
    if not valid_code(code):
        raise ValidationError(f"unit code {code!r} has characters other than letters, digits, '-', '_', '.'")
    with transaction.atomic():
        unit = Unit(code=code, name=name, kind=kind, parent=parent,
                    level=level or infer_level(kind, _ancestor_kinds(parent)),
                    path=Unit.path_for(code, parent.path if parent else None), **fields)
        unit.full_clean()
        unit.save()
        record_change(actor=actor, action="org.create_unit", obj=unit, before=None, after=snapshot(unit), reason=reason)
    return unit


def do_update_unit(*, actor: Any, unit: Unit, reason: str = "", **changes: Any) -> Unit:
    """Change a unit's fields; a new ``parent`` moves it with its whole subtree (机构调整)."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = snapshot(unit)
        old_path = unit.path
        for name, value in changes.items():
            setattr(unit, name, value)
        if "parent" in changes:
            parent = changes["parent"]
            if parent is not None and parent.path.startswith(old_path):
                raise ValidationError(f"cannot move {unit.code} under its own subtree ({parent.code})")
            unit.path = Unit.path_for(unit.code, parent.path if parent else None)
        unit.full_clean()
        unit.save()
        moved = 0
        if unit.path != old_path:
            moved = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)))
            units_changed.send(sender=Unit)
        record_change(actor=actor, action="org.update_unit", obj=unit, before=before, after=snapshot(unit),
                      reason=reason, extra={"descendants_moved": moved} if moved else None)
    return unit


def do_close_unit(*, actor: Any, unit: Unit, valid_until: date, reason: str,
                  successor: Unit | None = None) -> int:
    """Abolish a unit and its open subtree on ``valid_until`` (机构撤销/合并): units and posts get the
    end date, open memberships end that day. History stays; returns the number of units closed."""
    with transaction.atomic():
        subtree = Unit.objects.filter(path__startswith=unit.path)
        closing = subtree.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=valid_until))
        if closing.filter(valid_from__gt=valid_until).exists():
            raise ValidationError(f"{unit.code}: a unit in the subtree starts after {valid_until}")
        codes = list(closing.values_list("code", flat=True))
        closed = closing.update(valid_until=valid_until)
        Post.objects.filter(unit__path__startswith=unit.path).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=valid_until)).update(valid_until=valid_until)
        ended = Membership.objects.filter(unit__path__startswith=unit.path, end_date__isnull=True).filter(
            Q(start_date__isnull=True) | Q(start_date__lte=valid_until)).update(end_date=valid_until)
        record_event(actor=actor, action="org.close_unit", object_type="org.unit", object_id=str(unit.pk),
                     changes={"valid_until": [None, valid_until]}, reason=reason,
                     extra={"code": unit.code, "units_closed": codes, "memberships_ended": ended,
                            "successor": successor.code if successor else None})
    return closed


# --- posts, persons, memberships -----------------------------------------------------------


def do_create_post(*, actor: Any, unit: Unit, code: str, label: str, rank: str, is_leading: bool = False,
                   valid_from: date | None = None, reason: str = "") -> Post:
    """Create a post (设置职位) in ``unit``, leading (领导职务) or not."""
    with transaction.atomic():
        post = Post(unit=unit, code=code, label=label, rank=rank, is_leading=is_leading, valid_from=valid_from)
        post.full_clean()
        post.save()
        record_change(actor=actor, action="org.create_post", obj=post, before=None, after=snapshot(post), reason=reason)
    return post


def do_create_person(*, actor: Any, code: str, name: str, reason: str = "", **fields: Any) -> Person:
    """Register a person (人员登记)."""
    with transaction.atomic():
        person = Person(code=code, name=name, **fields)
        person.full_clean()
        person.save()
        record_change(actor=actor, action="org.create_person", obj=person, before=None,
                      after=snapshot(person, ["id", "code", "name"]), reason=reason)
    return person


def do_start_membership(*, actor: Any, person: Person, post: Post, start_date: date, reason: str = "") -> Membership:
    """Appoint ``person`` to ``post`` from ``start_date`` (任职)."""
    with transaction.atomic():
        membership = Membership(person=person, post=post, unit_id=post.unit_id, start_date=start_date)
        membership.full_clean()
        membership.save()
        record_change(actor=actor, action="org.start_membership", obj=membership, before=None,
                      after=snapshot(membership), reason=reason)
    return membership


def do_end_membership(*, actor: Any, membership: Membership, end_date: date, reason: str = "") -> Membership:
    """End a membership on ``end_date`` (免职/离任)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        before = snapshot(membership)
        membership.end_date = end_date
        membership.full_clean()
        membership.save(update_fields=["end_date"])
        record_change(actor=actor, action="org.end_membership", obj=membership, before=before,
                      after=snapshot(membership), reason=reason)
    return membership


def do_create_login(*, actor: Any, username: str, password_hash: str, person: Person | None, unit: Unit | None,
                    roles: Iterable[tuple[str, Unit]] = (), superuser: bool = False, reason: str = ""):
    """A log-in linked to ``person`` with its home ``unit`` and roles over unit subtrees (账号开通).

    Takes an already hashed password (``make_password``) so a batch can hash once."""
    with transaction.atomic():
        user = get_user_model()(username=username, password=password_hash, person=person, unit=unit,
                                first_name=person.name if person else "", is_superuser=superuser, is_staff=superuser)
        user.save()
        assignments = RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=role, scope_unit=scope) for role, scope in roles)
        record_event(actor=actor, action="access.create_login", object_type="access.user", object_id=str(user.pk),
                     changes={"username": [None, username]}, reason=reason,
                     extra={"person": person.code if person else None, "unit": unit.code if unit else None,
                            "superuser": superuser, "roles": [[a.role, a.scope_unit.code] for a in assignments]})
    return user



# --- the bulk path -------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What :func:`do_import_registry` did, per kind of record: created / updated / unchanged."""

    digest: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        return "; ".join(f"{kind}: {c['created']} new, {c['updated']} updated, {c['unchanged']} unchanged"
                         for kind, c in self.counts.items())


def _fetch(model, codes: list[str]) -> dict[str, Any]:
    return {obj.code: obj for obj in bulk.filter_in(model.objects, "code", sorted(set(codes)))}


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


def do_import_registry(actor: Any, registry: RegistryData, source: str, *, reason: str = "") -> ImportResult:
    """Upsert a whole registry by code, all or nothing (组织机构批量导入).

    Everything is checked first (:func:`zeren.org.registry.plan_registry`); then units (top-down,
    moving subtrees when a parent changes), persons, posts and memberships are written with
    ``bulk_create``/``bulk_update`` in one transaction, and one audit entry records the counts and
    the SHA-256 of the canonical input. Records absent from the input are left as they are.
    Raises :class:`RegistryError` (nothing written) when the data does not check.
    """
    digest = registry.digest()
    with transaction.atomic():
        units = {u.code: u for u in Unit.objects.all()}
        by_id = {u.pk: u for u in units.values()}
        existing = {code: PlannedUnit(u.kind, u.level, by_id[u.parent_id].code if u.parent_id else None, u.path)
                    for code, u in units.items()}
        posts = _fetch(Post, [p.code for p in registry.posts] + [m.post_code for m in registry.memberships])
        persons = _fetch(Person, [p.code for p in registry.persons] + [m.person_code for m in registry.memberships])
        post_units = {code: by_id[p.unit_id].code for code, p in posts.items()}
        try:
            plan = plan_registry(registry, existing, post_units, set(persons))
        except RegistryError as exc:
            raise RegistryError(exc.problems, source) from None
        counts = {"units": _write_units(registry, plan.units, existing, units),
                  "persons": _write_rows(Person, registry.persons, persons, PERSON_FIELDS, {})}
        counts["posts"] = _write_rows(Post, registry.posts, posts, POST_FIELDS, {
            "unit_id": lambda row: units[row.unit_code].pk})
        counts["memberships"] = _write_memberships(registry, posts, persons)
        record_event(actor=actor, action="org.import_registry", object_type="org.registry", object_id=digest[:16],
                     changes={kind: [None, c] for kind, c in counts.items()}, reason=reason,
                     extra={"source": source, "sha256": digest})
    return ImportResult(digest=digest, counts=counts)


def _write_units(registry: RegistryData, planned: dict[str, PlannedUnit], existing: dict[str, PlannedUnit],
                 units: dict[str, Unit]) -> dict[str, int]:
    counts = _counts()
    rows = {row.code: row for row in registry.units}
    new: dict[int, list[Unit]] = {}
    changed: list[Unit] = []
    for code, plan in planned.items():
        values: dict[str, Any] = {"path": plan.path}
        row = rows.get(code)
        if row is not None:
            values.update(name=row.name, name_en=row.name_en, short_name=row.short_name, kind=plan.kind,
                          level=plan.level, functions=list(row.functions), valid_from=row.valid_from,
                          valid_until=row.valid_until, sort_order=row.sort_order)
            if row.population is not None:  # a file without the figure keeps the recorded one
                values["population"] = row.population
        unit = units.get(code)
        if unit is None:
            unit = units[code] = Unit(code=code, **values)
            new.setdefault(plan.path.count("/"), []).append(unit)
            counts["created"] += 1
            continue
        moved = existing[code].parent_code != plan.parent_code
        if _apply(unit, values) or moved:
            changed.append(unit)  # a unit outside the input changes only when an ancestor moved
            if row is not None:
                counts["updated"] += 1
        elif row is not None:
            counts["unchanged"] += 1
    for depth in sorted(new):  # parents before children, so every parent has its id
        for unit in new[depth]:
            code = planned[unit.code].parent_code
            unit.parent = units[code] if code else None
        Unit.objects.bulk_create(new[depth], batch_size=BATCH)
    for unit in changed:
        code = planned[unit.code].parent_code
        unit.parent = units[code] if code else None
    Unit.objects.bulk_update(changed, ["parent", "path", *UNIT_FIELDS], batch_size=BATCH)
    if new or changed:
        units_changed.send(sender=Unit)
    return counts


def _write_rows(model, rows: list, existing: dict[str, Any], fields: list[str], resolvers: dict) -> dict[str, int]:
    counts = _counts()
    created, changed = [], []
    resolved_fields = [*fields, *resolvers]
    for row in rows:
        values = {name: getattr(row, name) for name in fields}
        values.update({name: resolve(row) for name, resolve in resolvers.items()})
        obj = existing.get(row.code)
        if obj is None:
            obj = existing[row.code] = model(code=row.code, **values)
            created.append(obj)
        elif _apply(obj, values):
            changed.append(obj)
        else:
            counts["unchanged"] += 1
    model.objects.bulk_create(created, batch_size=BATCH)
    model.objects.bulk_update(changed, resolved_fields, batch_size=BATCH)
    counts["created"], counts["updated"] = len(created), len(changed)
    return counts


def _write_memberships(registry: RegistryData, posts: dict[str, Post], persons: dict[str, Person]) -> dict[str, int]:
    counts = _counts()
    post_ids = sorted({posts[m.post_code].pk for m in registry.memberships})
    existing: dict[tuple, Membership] = {}
    for m in bulk.filter_in(Membership.objects, "post_id", post_ids):
        existing[(m.person_id, m.post_id, m.start_date)] = m
    created, changed = [], []
    for row in registry.memberships:
        post, person = posts[row.post_code], persons[row.person_code]
        current = existing.get((person.pk, post.pk, row.start_date))
        if current is None:
            created.append(Membership(person=person, post=post, unit_id=post.unit_id,
                                      start_date=row.start_date, end_date=row.end_date))
        elif _apply(current, {"end_date": row.end_date, "unit_id": post.unit_id}):
            changed.append(current)
        else:
            counts["unchanged"] += 1
    Membership.objects.bulk_create(created, batch_size=BATCH)
    Membership.objects.bulk_update(changed, ["end_date", "unit_id"], batch_size=BATCH)
    counts["created"], counts["updated"] = len(created), len(changed)
    return counts

