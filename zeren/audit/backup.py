"""Engine-independent backup and restore (备份与恢复): gzipped JSON lines, models in dependency order.

Line 1 is a header (format, version, time, the applied migrations, the row count of every model
and the SHA-256 of everything after the header line); then one line per row,
``{"model": "app.model", "pk": …, "fields": {…}}`` as Django's python serialiser gives it,
with natural keys for content types, permissions and users, so a backup made on SQLite restores
on PostgreSQL and back. The audit tables travel verbatim (datetimes to the microsecond), so
``zeren audit verify`` passes after a restore; the restore itself is then appended to the chain.

A restore checks the whole file before it touches the database (it decompresses, every line
parses, the counts and the digest agree with the header), then empties and loads in one
transaction that also checks the foreign keys, the digest again and the audit chain: whatever
fails, nothing is committed and :class:`RestoreRefused` says what in one line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "zeren-backup"
VERSION = 2  # 2: the header carries "counts" and "sha256"
CHUNK = 5000
# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions).
SKIP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class RestoreRefused(Exception):
    """A restore that did not happen; the database is as it was. The message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


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
    """Write the whole database to ``path``; the row count per model.

    The rows go to a temporary gzip member first (their count and digest belong in the header,
    which comes first); the file is then the header's gzip member followed by that one — gzip
    readers see one stream — and takes its name only when complete.
    """
    path = Path(path)
    counts = {m._meta.label_lower: 0 for m in backup_models()}
    digest = hashlib.sha256()
    fd, body_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".rows")
    fd2, whole_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as body:
            with gzip.GzipFile(fileobj=body, mode="wb") as out, transaction.atomic():
                header = {"format": FORMAT, "version": VERSION, "created": timezone.now().isoformat(),
                          "vendor": connection.vendor,
                          "migrations": sorted(MigrationRecorder(connection).applied_migrations())}
                for model in backup_models():
                    label = model._meta.label_lower
                    for row in _rows(model):
                        row["model"] = label
                        line = (json.dumps(row, default=_default, ensure_ascii=False) + "\n").encode("utf-8")
                        digest.update(line)
                        out.write(line)
                        counts[label] += 1
            header.update(counts=counts, sha256=digest.hexdigest())
            body.seek(0)
            with os.fdopen(fd2, "wb") as whole:
                whole.write(gzip.compress((json.dumps(header, default=_default, ensure_ascii=False) + "\n")
                                          .encode("utf-8")))
                shutil.copyfileobj(body, whole)
                whole.flush()
                os.fsync(whole.fileno())
        os.replace(whole_name, path)
    finally:
        for name in (body_name, whole_name):
            if os.path.exists(name):
                os.unlink(name)
    return {label: n for label, n in counts.items() if n}


# --- reading ---------------------------------------------------------------------------------

# What a damaged gzip stream or a damaged line raises while being read.
DAMAGE = (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError)


def read_header(path: str | Path) -> dict[str, Any]:
    name = Path(path).name
    try:
        with gzip.open(path, "rb") as handle:
            header = json.loads(handle.readline() or b"{}")
    except DAMAGE as exc:
        raise RestoreRefused(f"{name}: not a readable {FORMAT} file (damaged or cut short): {_why(exc)}") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RestoreRefused(f"{name}: not a {FORMAT} v{VERSION} file")
    if header.get("version") != VERSION:
        raise RestoreRefused(f"{name}: {FORMAT} v{header.get('version')} has no row counts and digest to check "
                             f"it against; this zeren restores v{VERSION}")
    if not isinstance(header.get("counts"), dict) or not isinstance(header.get("sha256"), str):
        raise RestoreRefused(f"{name}: the header has no row counts or digest")
    return header


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class BackupReader:
    """Streams the rows of a backup file, checking each line as it goes; :meth:`check` then
    compares what was read with the header (counts per model, SHA-256 of the bytes)."""

    def __init__(self, path: str | Path, header: dict[str, Any]) -> None:
        self.path, self.header, self.name = path, header, Path(path).name
        self.labels = {m._meta.label_lower for m in backup_models()}

    def rows(self) -> Iterator[dict[str, Any]]:
        self.counts: dict[str, int] = {}
        self.digest = hashlib.sha256()
        done, current = 0, None  # rows accepted so far: the header is line 1, the failing line done + 2
        try:
            with gzip.open(self.path, "rb") as handle:
                handle.readline()
                for line in handle:
                    self.digest.update(line)
                    row = json.loads(line)
                    if not line.endswith(b"\n") or not isinstance(row, dict) or not isinstance(
                            row.get("fields"), dict) or "pk" not in row:
                        raise ValueError("not a row")
                    label = row.get("model")
                    if label not in self.labels:
                        raise ValueError(f"unknown model {label!r}")
                    if label != current:
                        if label in self.counts:
                            raise ValueError(f"rows of {label} are not together")
                        current, self.counts[label] = label, 0
                    self.counts[label] += 1
                    done += 1
                    yield row
        except DAMAGE as exc:
            raise RestoreRefused(f"{self.name}: damaged at line {done + 2}: {_why(exc)}") from exc

    def check(self) -> None:
        """Raise :class:`RestoreRefused` unless what :meth:`rows` read is what the header announced."""
        expected = {label: n for label, n in self.header["counts"].items() if n}
        for label in sorted(set(expected) | set(self.counts)):
            if expected.get(label, 0) != self.counts.get(label, 0):
                raise RestoreRefused(f"{self.name}: {label} has {self.counts.get(label, 0)} rows, the header says "
                                     f"{expected.get(label, 0)}: the file is incomplete or altered")
        if self.digest.hexdigest() != self.header["sha256"]:
            raise RestoreRefused(f"{self.name}: the SHA-256 of the rows does not match the header: "
                                 "the file was altered")

    def validate(self) -> None:
        """Read the whole file once without touching the database."""
        for _row in self.rows():
            pass
        self.check()


def database_is_empty() -> bool:
    return not any(m._base_manager.exists() for m in backup_models())


def restore_backup(path: str | Path, *, force: bool = False) -> dict[str, int]:
    """Load ``path`` into this (migrated) database; refuse unless it is empty or ``force``.

    Nothing is written until the whole file has been read and checked; then the flush (with
    ``force``), the load, the foreign-key check, the digest check of what was loaded and the
    audit-chain verification run in one transaction. Any failure: :class:`RestoreRefused`, with
    the database as it was.
    """
    header = read_header(path)
    name = Path(path).name
    applied = {tuple(m) for m in header["migrations"]}
    missing = applied - set(MigrationRecorder(connection).applied_migrations())
    if missing:
        raise RestoreRefused(f"{name}: run `zeren migrate` first; missing migrations, e.g. {sorted(missing)[0]}")
    reader = BackupReader(path, header)
    reader.validate()
    if not force and not database_is_empty():
        raise RestoreRefused("the database is not empty: restore into an empty migrated database, or pass --force")
    try:
        return _load_all(reader, force)
    except RestoreRefused:
        raise
    except Exception as exc:  # an integrity or deserialisation error: the transaction was rolled back
        raise RestoreRefused(f"{name}: could not be loaded, nothing was changed: {_why(exc)}") from exc


def _load_all(reader: BackupReader, force: bool) -> dict[str, int]:
    from zeren.audit.actions import record_event
    from zeren.audit.verify import verify_log

    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    with transaction.atomic():
        if force:
            call_command("flush", interactive=False, verbosity=0)
        transaction.on_commit(cache.clear)  # results cached under the versions of the data replaced
        for label, group in groupby(reader.rows(), key=lambda r: r["model"]):
            counts[label] = _load(apps.get_model(label), group, digest)
        reader.check()  # the file could have changed since it was validated
        connection.check_constraints(table_names=[apps.get_model(label)._meta.db_table for label in counts])
        report = verify_log()
        if not report.ok:
            bad = report.first_bad
            where = f"#{bad.seq}: {bad.message}" if bad is not None else "the chain does not verify"
            raise RestoreRefused(f"{reader.name}: its audit log does not verify ({where}): the backup was tampered with")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [apps.get_model(label) for label in counts]):
                cursor.execute(sql)
        record_event(actor=None, action="system.restore", object_type="system.database", object_id="default",
                     extra={"file": reader.name, "created": reader.header["created"],
                            "source_vendor": reader.header["vendor"], "rows": counts, "sha256": digest.hexdigest(),
                            "file_sha256": reader.header["sha256"]})
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
