"""Engine-independent backup and restore (备份与恢复): gzipped JSON lines, models in dependency order.

Line 1 is a header (format, version, time, the applied migrations); then one line per row,
``{"model": "app.model", "pk": …, "fields": {…}}`` as Django's python serialiser gives it,
with natural keys for content types, permissions and users, so a backup made on SQLite restores
on PostgreSQL and back. The audit tables travel verbatim (datetimes to the microsecond), so
``zeren audit verify`` passes after a restore; the restore itself is then appended to the chain.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "zeren-backup"
VERSION = 1
CHUNK = 5000
# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions).
SKIP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class RestoreRefused(Exception):
    pass


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()  # full microseconds: the audit hashes depend on them
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def backup_models() -> list[type[models.Model]]:
    """Every concrete model, in an order where each comes after what it refers to."""
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()],
                                            allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in SKIP and not m._meta.proxy and m._meta.managed]


def _rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    qs = model._base_manager.order_by("pk")
    last = None
    while True:
        chunk = list((qs.filter(pk__gt=last) if last is not None else qs)[:CHUNK])
        if not chunk:
            return
        yield from serializers.serialize("python", chunk, use_natural_foreign_keys=True)
        last = chunk[-1].pk


def write_backup(path: str | Path) -> dict[str, int]:
    """Write the whole database to ``path``; the row count per model."""
    counts: dict[str, int] = {}
    header = {"format": FORMAT, "version": VERSION, "created": timezone.now().isoformat(),
              "vendor": connection.vendor,
              "migrations": sorted(MigrationRecorder(connection).applied_migrations())}
    with gzip.open(path, "wt", encoding="utf-8") as out, transaction.atomic():
        out.write(json.dumps(header, default=_default, ensure_ascii=False) + "\n")
        for model in backup_models():
            label = model._meta.label_lower
            for row in _rows(model):
                row["model"] = label
                out.write(json.dumps(row, default=_default, ensure_ascii=False) + "\n")
                counts[label] = counts.get(label, 0) + 1
    return counts


def read_header(path: str | Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = json.loads(handle.readline() or "{}")
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise RestoreRefused(f"{path}: not a {FORMAT} v{VERSION} file")
    return header


def read_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        handle.readline()
        for line in handle:
            yield json.loads(line)


def database_is_empty() -> bool:
    return not any(m._base_manager.exists() for m in backup_models())


def restore_backup(path: str | Path, *, force: bool = False) -> dict[str, int]:
    """Load ``path`` into this (migrated) database; refuse unless it is empty or ``force``."""
    from zeren.audit.actions import record_event

    header = read_header(path)
    applied = {tuple(m) for m in header["migrations"]}
    missing = applied - set(MigrationRecorder(connection).applied_migrations())
    if missing:
        raise RestoreRefused(f"{path}: run `zeren migrate` first; missing migrations, e.g. {sorted(missing)[0]}")
    if not database_is_empty():
        if not force:
            raise RestoreRefused("the database is not empty: restore into an empty migrated database, or pass --force")
        call_command("flush", interactive=False, verbosity=0)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    with transaction.atomic():
        for label, group in groupby(read_rows(path), key=lambda r: r["model"]):
            model = apps.get_model(label)
            counts[label] = _load(model, group, digest)
        connection_models = [apps.get_model(label) for label in counts]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), connection_models):
                cursor.execute(sql)
        record_event(actor=None, action="system.restore", object_type="system.database", object_id="default",
                     extra={"file": Path(path).name, "created": header["created"], "source_vendor": header["vendor"],
                            "rows": counts, "sha256": digest.hexdigest()})
    return counts


def _load(model: type[models.Model], rows: Iterable[dict[str, Any]], digest: Any) -> int:
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        batch.append(row)
        if len(batch) == CHUNK:
            count += _load_batch(model, batch)
            batch = []
    return count + (_load_batch(model, batch) if batch else 0)


def _load_batch(model: type[models.Model], batch: list[dict[str, Any]]) -> int:
    objects = list(serializers.deserialize("python", batch, handle_forward_references=True))
    model._base_manager.bulk_create([d.object for d in objects])
    for d in objects:
        for name, values in (d.m2m_data or {}).items():
            getattr(d.object, name).set(values)
    return len(objects)
