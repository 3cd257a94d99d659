"""What ingestion and the scan need to know about items, units and rule configuration, loaded once.

Rule resolution (规则配置): for each field, the item's own row, then the nearest unit row up the
case's unit path, then the city row (no unit, no item), then the defaults in
:mod:`zeren.supervision.rules`. Cities differ; this keeps the difference in data.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zeren.org.models import Unit
from zeren.supervision.models import ApprovalItem, CatalogVersion, RuleConfig
from zeren.supervision.rules import (
    ALERT_TYPES,
    DEFAULT_LATE_ENTRY_HOURS,
    DEFAULT_SUSPENSION_LIMIT,
    CaseRules,
)

FIELDS = ("yellow_threshold_days", "suspension_limit", "late_entry_hours", "enabled_types")


@dataclass(frozen=True)
class ItemInfo:
    pk: int
    code: str
    unit_pk: int
    unit_path: str
    statutory_days: int
    promised_days: int
    yellow_threshold_days: int
    fee_standard: Decimal
    required_steps: tuple[str, ...]
    step_limits: dict[str, int]


@dataclass(frozen=True)
class Effective:
    """The rules in force for cases of one item in one unit."""

    case_rules: CaseRules
    yellow_days: int
    enabled: frozenset[str]


@dataclass
class Catalog:
    items: dict[str, ItemInfo]
    units: dict[str, tuple[int, str]]  # code -> (pk, path)
    configs: dict[tuple[int | None, int | None], dict]  # (unit pk, item pk) -> set fields
    _effective: dict[tuple[int, int], Effective] = field(default_factory=dict)
    _path: dict[int, str] = field(default_factory=dict)  # unit pk -> path
    _pk: dict[str, int] = field(default_factory=dict)  # unit code -> pk

    def __post_init__(self) -> None:
        self._path = {pk: path for pk, path in self.units.values()}
        self._pk = {code: pk for code, (pk, _) in self.units.items()}

    @classmethod
    def load(cls) -> Catalog:
        units = {code: (pk, path) for pk, code, path in Unit.objects.values_list("pk", "code", "path")}
        paths = {pk: path for pk, path in units.values()}
        items = {}
        for item in ApprovalItem.objects.all():
            items[item.code] = ItemInfo(
                item.pk, item.code, item.unit_id, paths[item.unit_id], item.statutory_days, item.promised_days,
                item.yellow_threshold_days, item.fee_standard, tuple(item.required_steps),
                {str(k): int(v) for k, v in (item.step_limits or {}).items()},
            )
        configs = {}
        for row in RuleConfig.objects.values("unit_id", "item_id", *FIELDS):
            configs[(row["unit_id"], row["item_id"])] = {f: row[f] for f in FIELDS if row[f] is not None}
        return cls(items, units, configs)

    def item_by_pk(self) -> dict[int, ItemInfo]:
        return {info.pk: info for info in self.items.values()}

    def effective(self, item: ItemInfo, unit_pk: int) -> Effective:
        key = (item.pk, unit_pk)
        if key not in self._effective:
            self._effective[key] = self._resolve(item, unit_pk)
        return self._effective[key]

    def _resolve(self, item: ItemInfo, unit_pk: int) -> Effective:
        path = self._path[unit_pk]
        layers = [self.configs.get((None, item.pk), {})]
        layers += [self.configs.get((self._pk[code], None), {}) for code in reversed(path.strip("/").split("/"))]
        layers.append(self.configs.get((None, None), {}))
        defaults = {"yellow_threshold_days": item.yellow_threshold_days, "suspension_limit": DEFAULT_SUSPENSION_LIMIT,
                    "late_entry_hours": DEFAULT_LATE_ENTRY_HOURS, "enabled_types": list(ALERT_TYPES)}
        chosen = {name: next((layer[name] for layer in layers if name in layer), defaults[name]) for name in FIELDS}
        rules = CaseRules(item.statutory_days, item.promised_days, item.fee_standard, item.required_steps,
                          item.step_limits, chosen["suspension_limit"], chosen["late_entry_hours"])
        return Effective(rules, chosen["yellow_threshold_days"], frozenset(chosen["enabled_types"]))


_lock = threading.Lock()
_cached: tuple[int | None, Catalog] | None = None


def catalog_version() -> int | None:
    """The token of :class:`~zeren.supervision.models.CatalogVersion` (None before any change)."""
    return CatalogVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def get_catalog() -> Catalog:
    """The catalogue, cached per process and loaded again when its version moved (one single-row
    query a call, instead of every unit, item and rule row). The version is read before the rows,
    so a catalogue is never kept under a version newer than what it was loaded from."""
    global _cached
    version = catalog_version()
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, Catalog.load())
        return _cached[1]


def catalog_changed(**_: Any) -> None:
    """Receiver of every change to items, units and rule configuration: a new version token, in
    the changing transaction (so it commits, or rolls back, with the change)."""
    token = secrets.randbits(62)
    if not CatalogVersion.objects.filter(pk=1).update(token=token):
        CatalogVersion.objects.update_or_create(pk=1, defaults={"token": token})
