"""Writes of the workbench: urging (催办) and escalating (提级督办) work items. Audited; nothing else
happens — the item itself is not touched, no finding or notice is raised: the record is the urge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zeren.access.rules import SUPERVISE
from zeren.access.scope import can
from zeren.audit.actions import record_change, snapshot
from zeren.cockpit import registry, rules
from zeren.cockpit.models import Urge, UrgeLevel
from zeren.cockpit.selectors import WATCH, narrow, queue_scope
from zeren.core.boards import UNIT
from zeren.org.models import Unit

MAX_ITEMS = 500  # one bulk action


def _escalation_target(unit: Unit) -> Unit | None:
    ancestors = {u.code: u for u in Unit.objects.filter(code__in=unit.ancestor_codes())}
    chain = [ancestors[c] for c in reversed(unit.ancestor_codes()) if c in ancestors]  # parent first
    index = rules.escalation_unit([(u.kind, u.code) for u in chain])
    return chain[index] if index is not None else None


def do_urge_items(*, actor: Any, refs: Sequence[tuple[str, int]], level: str = UrgeLevel.URGE, note: str = "",
                  today: date | None = None) -> list[Urge]:
    """Urge (or escalate) the units about the open items ``refs`` = [(queue kind, pk)], all or none.

    Only supervision (SUPERVISE over the unit that must act) urges, and only items still open in the
    units' queues; an escalation needs the item to be past its deadline or, without one, urged before
    (:func:`rules.may_escalate`). Each urge is recorded in the audit log."""
    today = today or timezone.localdate()
    if level not in UrgeLevel.values:
        raise ValidationError({"level": _("未知的催办方式：%(level)s") % {"level": level}})
    if not refs:
        raise ValidationError({"items": _("请先选择事项")})
    if len(refs) > MAX_ITEMS:
        raise ValidationError({"items": _("一次最多处理 %(n)d 项") % {"n": MAX_ITEMS}})
    scope = queue_scope(actor, today)
    wanted: dict[str, set[int]] = defaultdict(set)
    for kind, pk in refs:
        wanted[kind].add(int(pk))
    planned = []
    for kind, pks in wanted.items():
        queue = registry.queue(kind)
        if queue is None or queue.who != UNIT:
            raise ValidationError({"items": _("此类事项不能催办：%(kind)s") % {"kind": kind}})
        open_items = narrow(queue, queue.open(scope), actor, WATCH).filter(pk__in=pks)
        found = {obj.pk: obj for obj in open_items}
        missing = sorted(pks - set(found))
        if missing:
            raise ValidationError({"items": _("事项已办结或不在您的督办范围内：%(refs)s")
                                   % {"refs": "、".join(f"{kind}:{pk}" for pk in missing)}})
        paths = dict(open_items.values_list("pk", queue.actor))
        units = {u.path: u for u in Unit.objects.filter(path__in=set(paths.values()))}
        for pk, obj in found.items():
            unit = units[paths[pk]]
            if not can(actor, SUPERVISE, unit):
                raise PermissionDenied(_("无权催办 %(unit)s 的事项") % {"unit": unit.display_name})
            item = queue.row(obj)
            if level == UrgeLevel.ESCALATE:
                urged = Urge.objects.filter(object_type=item.ref.split(":")[0], object_id=str(pk)).count()
                left = None if item.due is None else -1 if item.due < today else 0  # only the sign matters
                if not rules.may_escalate(left, urged):
                    raise ValidationError({"items": _("只有逾期或催办后仍未办理的事项才能提级督办：%(title)s")
                                           % {"title": item.title}})
            planned.append((queue, item, unit))
    created = []
    with transaction.atomic():
        for queue, item, unit in planned:
            object_type, object_id = item.ref.split(":", 1)
            urge = Urge.objects.create(
                kind=queue.kind, object_type=object_type, object_id=object_id, title=item.title[:300], level=level,
                unit=unit, escalated_to=_escalation_target(unit) if level == UrgeLevel.ESCALATE else None,
                due=item.due, note=note.strip()[:2000], by=actor, at=timezone.now())
            record_change(actor=actor, action=f"cockpit.{level}", obj=urge, before=None, after=snapshot(urge),
                          reason=note.strip()[:2000], extra={"item": item.ref, "kind": queue.kind})
            created.append(urge)
    return created
