"""Reading a batch of reported events before its transaction (读取与校验): parsing, validation,
the item and unit of each event, duplicates within the batch, grouping by case. Pure: no database.

A file is read chunk by chunk; :func:`read_file` can do it in a second process, so that the next
chunk is parsed and validated while the main process writes this one (a machine has more than one
core, a database connection only one writer). The main process then does only what needs the
database; the batches, their order and their results are the same either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import pickle
import queue
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from zeren.supervision.casewrite import Batch, group_batch
from zeren.supervision.columns import EventColumns, read_columns
from zeren.supervision.events import Rejection, canonical_digest, parse_line

Check = Callable[[str, str], "tuple[int, int] | Rejection"]


@dataclass
class ReadBatch:
    """A batch as read: its valid events grouped by case, its rejections and in-batch duplicates.

    ``digest`` is the SHA-256 of the canonical events in ``cols`` (what the batch's audit entry
    carries); ``consumed`` the bytes of the file it came from, for progress.
    """

    first_index: int
    cols: EventColumns
    owns: list[tuple[int, int]]
    bad: list[tuple[int, Any, Rejection]]
    duplicates: int
    grouped: Batch
    digest: str
    consumed: int = 0
    staged: str | None = None  # a scratch file holding the event rows (see read_file)
    mixed: bool = False  # some case's events name different items or units

    def agrees_with(self, stored: dict[str, tuple[int, int]]) -> bool:
        """Whether every stored case among the batch's has the item and unit its events name."""
        grouped = self.grouped
        number = {case_id: k for k, case_id in enumerate(grouped.case_ids)}
        return all(grouped.identity[number[case_id]] == pair for case_id, pair in stored.items())

    def raws(self) -> list[Any]:
        """The events as reported (shipped between processes as one JSON text: see :func:`_packed`)."""
        if isinstance(self.cols.raw, bytes):
            self.cols.raw = orjson.loads(self.cols.raw)
        return self.cols.raw

    def keeping(self, keep: np.ndarray) -> ReadBatch:
        """The same batch with only the rows where ``keep`` is true (found stored, or refused, later)."""
        self.raws()
        cols = self.cols.take(keep)
        owns = [o for o, k in zip(self.owns, keep.tolist(), strict=True) if k]
        return ReadBatch(self.first_index, cols, owns, self.bad, self.duplicates, group_batch(cols, owns),
                         _digest(cols), self.consumed, staged=None, mixed=self.mixed)


def read_batch(events: list[Any], check: Check, first_index: int = 0, consumed: int = 0) -> ReadBatch:
    """Validate ``events``; ``check(item_code, unit_code)`` gives an event's (item pk, unit pk) or
    its rejection. The first of a re-delivered ``event_id`` counts, later ones are duplicates."""
    cols, bad = read_columns(events, first_index)
    pairs = list(zip(cols.item_code, cols.unit_code, strict=True))
    checked = {pair: check(*pair) for pair in set(pairs)}
    owns = list(map(checked.__getitem__, pairs))
    keep = np.ones(len(cols), dtype=bool)
    for n, own in enumerate(owns if any(isinstance(own, Rejection) for own in checked.values()) else ()):
        if isinstance(own, Rejection):
            bad.append((cols.index[n], cols.raw[n], own))
            keep[n] = False
    duplicates = 0
    if len(set(cols.event_id)) != len(cols):
        seen: set[str] = set()
        for n, event_id in enumerate(cols.event_id):
            if keep[n]:
                keep[n] = event_id not in seen
                duplicates += event_id in seen
                seen.add(event_id)
    if not keep.all():
        cols, owns = cols.take(keep), [o for o, k in zip(owns, keep.tolist(), strict=True) if k]
    grouped = group_batch(cols, owns)
    codes = {pair: k for k, pair in enumerate(set(owns))}
    own_code = np.fromiter(map(codes.__getitem__, owns), np.int64, len(owns))
    case_code = np.fromiter(map(codes.__getitem__, grouped.identity), np.int64, len(grouped.identity))
    return ReadBatch(first_index, cols, owns, bad, duplicates, grouped, _digest(cols), consumed,
                     mixed=bool((own_code != case_code[grouped.row_case]).any()))


def _digest(cols: EventColumns) -> str:
    """The batch's digest: of the sorted-keys text validation already made when it is that of
    exactly these flat rows, else :func:`canonical_digest`."""
    if cols.flat and cols.raw_json is not None:
        return hashlib.sha256(cols.raw_json).hexdigest()
    return canonical_digest(cols.raw, flat=cols.flat)


def _file_chunks(path: Path, chunk: int) -> Iterator[tuple[list[Any], int]]:
    """``(events, bytes)`` for each ``chunk`` lines of a JSONL file; blank lines skipped, a line
    that is not JSON kept in its place as an ``Unparsed`` naming its line number."""
    number = 0
    with open(path, "rb", buffering=1 << 20) as handle:
        while lines := list(islice(handle, chunk)):
            consumed = sum(map(len, lines))
            try:  # a blank line is not JSON either: it too takes the long way
                events = list(map(orjson.loads, lines))
            except orjson.JSONDecodeError:  # skip blank lines, word each bad line with its number
                events = [parse_line(line.rstrip(b"\r\n"), number + n) for n, line in enumerate(lines, 1)
                          if line.strip()]
            number += len(lines)
            yield events, consumed


def read_file(path: Path, chunk: int, check: Check, *, texts: bool = True,
              stage: Callable[[ReadBatch], None] | None = None, background: bool = True) -> Iterator[ReadBatch]:
    """The batches of a JSONL file, read (with :func:`read_batch`) in a second process when
    ``background`` and the platform can fork, else here. Without ``texts`` the reported time texts
    may be left out of the columns (see :func:`_packed`); ``stage`` may write a batch's rows to a
    scratch file (``staged``) while still in the reading process."""
    def batches() -> Iterator[ReadBatch]:
        first = 0
        for events, consumed in _file_chunks(path, chunk):
            batch = read_batch(events, check, first, consumed)
            if stage is not None and len(batch.cols):
                stage(batch)
            yield batch
            first += len(events)
    if background and "fork" in multiprocessing.get_all_start_methods():
        return _in_child(batches, texts)
    return batches()


def _packed(batch: ReadBatch, texts: bool) -> ReadBatch:
    """The batch made cheap to send: the raw events as one JSON text (a fraction of the cost of
    pickling each dict), repeated strings as one object each (pickled once), and the reported time
    texts left out unless ``texts`` (the database takes the instants instead)."""
    cols, events = batch.cols, batch.grouped.events
    for name in ("kind", "step", "outcome", "reason", "item_code", "unit_code", "case_id"):
        setattr(cols, name, list(map(sys.intern, getattr(cols, name))))
    events.step, events.outcome = list(map(sys.intern, events.step)), list(map(sys.intern, events.outcome))
    if not texts:
        cols.at_text = cols.recorded_text = None  # type: ignore[assignment]
    if cols.raw_json is not None:
        cols.raw, cols.raw_json = cols.raw_json, None  # type: ignore[assignment]
    with contextlib.suppress(TypeError):  # an integer beyond 64 bits, a lone surrogate: shipped as they are
        if not isinstance(cols.raw, bytes):
            cols.raw = orjson.dumps(cols.raw)  # type: ignore[assignment]
    return batch


def _in_child(produce: Callable[[], Iterator[ReadBatch]], texts: bool) -> Iterator[ReadBatch]:
    """Run ``produce`` in a forked process, one batch ahead; its exceptions are raised here.

    Each batch crosses as a pickle file (its path through the queue): reading a file is one copy,
    where a pipe delivers tens of megabytes in thousands of small pieces."""
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=1)
    parent = os.getpid()
    scratch = Path(tempfile.mkdtemp(prefix="zeren-read-"))

    def run() -> None:
        try:
            for n, batch in enumerate(produce()):
                path = scratch / f"batch-{n}.pickle"
                with open(path, "wb") as handle:
                    pickle.dump(_packed(batch, texts), handle, protocol=pickle.HIGHEST_PROTOCOL)
                _put(channel, ("batch", str(path)), parent)
            _put(channel, ("done", None), parent)
        except Exception:  # noqa: BLE001 - reported to the parent, which raises it
            _put(channel, ("error", traceback.format_exc()), parent)

    child = context.Process(target=run, name="zeren-read", daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=1)
            except queue.Empty:
                if child.is_alive():
                    continue
                try:
                    kind, payload = channel.get(timeout=1)
                except queue.Empty:
                    raise RuntimeError(f"the reading process ended unexpectedly (exit code {child.exitcode})") from None
            if kind == "done":
                return
            if kind == "error":
                raise RuntimeError(f"reading the file failed:\n{payload}")
            data = Path(payload).read_bytes()
            os.remove(payload)
            yield pickle.loads(data)
    finally:
        child.kill()
        child.join()
        shutil.rmtree(scratch, ignore_errors=True)


def _put(channel: Any, item: Any, parent: int) -> None:
    """Hand ``item`` to the parent; give up when the parent is gone (killed mid-file)."""
    while True:
        try:
            channel.put(item, timeout=1)
            return
        except queue.Full:
            if os.getppid() != parent:
                os._exit(0)
