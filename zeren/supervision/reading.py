"""Reading a batch of reported events before its transaction (读取与校验): parsing, validation,
the item and unit of each event, duplicates within the batch, grouping by case. Pure: no database.
A file is read chunk by chunk (:func:`read_file`), each chunk a batch of its own.
"""

from __future__ import annotations

import hashlib
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
    mixed: bool = False  # some case's events name different items or units

    def agrees_with(self, stored: dict[str, tuple[int, int]]) -> bool:
        """Whether every stored case among the batch's has the item and unit its events name."""
        grouped = self.grouped
        number = {case_id: k for k, case_id in enumerate(grouped.case_ids)}
        return all(grouped.identity[number[case_id]] == pair for case_id, pair in stored.items())

    def keeping(self, keep: np.ndarray) -> ReadBatch:
        """The same batch with only the rows where ``keep`` is true (found stored, or refused, later)."""
        cols = self.cols.take(keep)
        owns = [o for o, k in zip(self.owns, keep.tolist(), strict=True) if k]
        return ReadBatch(self.first_index, cols, owns, self.bad, self.duplicates, group_batch(cols, owns),
                         _digest(cols), self.consumed, mixed=self.mixed)


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


def read_file(path: Path, chunk: int, check: Check) -> Iterator[ReadBatch]:
    """The batches of a JSONL file, each of ``chunk`` lines, read with :func:`read_batch`."""
    first = 0
    for events, consumed in _file_chunks(path, chunk):
        yield read_batch(events, check, first, consumed)
        first += len(events)
