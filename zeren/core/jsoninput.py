"""JSON from outside (外部 JSON 输入): read within bounds, checked for what a database can store.

Whatever a department's system, an upload or a command-line file sends is read by :func:`load_json`
— the standard library's parser, but a value nested deeper than :data:`MAX_DEPTH` levels or a
number written with more than :data:`MAX_NUMBER` characters is read as a marked text saying so,
never a ``RecursionError`` or a minutes-long integer conversion — and a value no database text
column can hold is found, named by its field path, by :func:`unacceptable`. Pure: no database.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import re
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import orjson

MAX_DEPTH = 16  # levels of nesting a value may have (the top object or array is level 1)
MAX_NUMBER = 40  # characters a JSON number may be written with
# What :func:`load_json` puts in place of a value it will not build, as text starting with U+0000,
# which no accepted value can hold: :func:`unacceptable` then refuses it naming its field.
UNREAD = "\x00zeren: "
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class Rejection(NamedTuple):
    """Why a value was refused: the field at fault and a sentence about it."""

    field: str
    reason: str


def read_json(data: bytes, depth: int = MAX_DEPTH) -> Any:
    """One JSON text in UTF-8, by orjson, or when orjson refuses it (NaN, a huge number, deep
    nesting, which are not necessarily invalid) by :func:`load_json`. Raises what ``json.loads``
    would: ``UnicodeDecodeError`` (with the byte), ``json.JSONDecodeError`` (with line and column)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return load_json(data.decode("utf-8"), depth)


def read_json_file(data: bytes) -> Any:
    """An imported file's JSON (a leading byte-order mark allowed), read by :func:`read_json`;
    raises what it raises, or a ``ValueError`` naming the field that holds what :func:`unacceptable`
    refuses."""
    value = read_json(data.removeprefix(codecs.BOM_UTF8))
    found = unacceptable(value)
    if found is not None:
        raise ValueError(found.reason)
    return value


def load_json(text: str, depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` within bounds: a value nested deeper than ``depth`` levels, or a number
    written with more than :data:`MAX_NUMBER` characters, is read as an :data:`UNREAD` text saying
    so; NaN and the infinities are read as floats (both refused by :func:`unacceptable`). Raises
    ``json.JSONDecodeError`` for text that is not JSON; never ``RecursionError``."""
    cuts, level, start = [], 0, 0
    for match in _BRACKETS.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            level += 1
            if level == depth + 1:
                start = match.start()
        elif bracket in "]}":
            if level == depth + 1:
                cuts.append((start, match.end()))
            level -= 1
    if level > depth:
        raise json.JSONDecodeError(f"{level} arrays or objects are not closed", text, len(text))
    if cuts:
        parts, end = [], 0
        for cut_start, cut_end in cuts:
            parts += [text[end:cut_start], json.dumps(f"{UNREAD}nested deeper than {MAX_DEPTH} levels")]
            end = cut_end
        text = "".join([*parts, text[end:]])
    return json.loads(text, parse_int=partial(_bounded_number, parse=int),
                      parse_float=partial(_bounded_number, parse=float))


def _bounded_number(text: str, parse: Callable[[str], Any]) -> Any:
    if len(text) > MAX_NUMBER:
        return f"{UNREAD}a number of {len(text)} characters (at most {MAX_NUMBER})"
    return parse(text)


def unacceptable(value: Any, whole: str = "value") -> Rejection | None:
    """The first value in ``value`` (keys included, at any depth) that makes it unacceptable,
    named by its field path (``whole`` when it is ``value`` itself): a string no database text column can hold (U+0000 — PostgreSQL
    refuses NUL in text and jsonb — or a lone surrogate, not encodable as UTF-8), NaN or an
    infinity (not JSON numbers: jsonb and SQLite's JSON refuse them), a number or a nesting beyond
    the bounds (:data:`MAX_NUMBER`, :data:`MAX_DEPTH`; a nesting is named by its top field).
    Iterative: no recursion, whatever the depth."""
    stack = [(value, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        name = where or whole
        kind = type(value)
        if kind is str:
            if value.startswith(UNREAD):
                top = name.split(".", 1)[0].split("[", 1)[0] or whole
                return Rejection(top, f"{name if len(name) <= 64 else top}: {value[len(UNREAD):]}")
            if "\x00" in value:
                return Rejection(name, f"{name}: contains a NUL character (U+0000)")
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return Rejection(name, f"{name}: contains a lone surrogate (not a Unicode character)")
        elif kind is float:
            if value != value or value in (math.inf, -math.inf):
                return Rejection(name, f"{name}: {value} is not a JSON number")
        elif kind is dict or kind is list:
            if depth > MAX_DEPTH:
                top = name.split(".", 1)[0].split("[", 1)[0] or whole
                return Rejection(top, f"{top}: nested deeper than {MAX_DEPTH} levels")
            if kind is dict:
                for key in value:
                    found = unacceptable(str(key))
                    if found is not None:  # the key itself, which cannot name the field: name its object
                        return Rejection(name, f"{name}: a key {found.reason.split(': ', 1)[1]}")
                items = [(item, f"{where}.{key}" if where else str(key)) for key, item in value.items()]
            else:
                items = [(item, f"{where}[{n}]" if where else f"[{n}]") for n, item in enumerate(value)]
            stack.extend((item, path, depth + 1) for item, path in reversed(items))
    return None


def storable_text(text: str) -> str:
    """``text`` with U+0000 and lone surrogates written as visible ``\\u0000`` / ``\\ud800`` escapes."""
    if unacceptable(text) is None:
        return text
    return text.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def storable_payload(raw: Any, whole: str = "value") -> tuple[dict[str, Any], str]:
    """What a store of refused input keeps of ``raw``, and the SHA-256 it is known by (``whole``:
    what :func:`unacceptable` calls ``raw`` in the reason kept with it).

    As received when the database can hold it; otherwise (a NUL, a lone surrogate, NaN or an
    infinity anywhere, or what :func:`load_json` did not read) the whole of it as ASCII-escaped JSON
    text under ``escaped_json``, with the reason — kept, not dropped.
    """
    from zeren.audit.rules import canonical_json

    payload = raw if isinstance(raw, dict) else {"value": raw}
    unstorable = unacceptable(payload, whole)
    digest = hashlib.sha256(canonical_json(raw).encode("utf-8", "surrogatepass")).hexdigest()
    if unstorable is None:
        return payload, digest
    return ({"escaped_json": json.dumps(raw, sort_keys=True, ensure_ascii=True),
             "unstorable": unstorable.reason}, digest)


FLAT_SAFE = frozenset({str, int, bool, type(None)})  # value types orjson writes exactly as canonical_json


def canonical_digest(records: list[Any]) -> str:
    """SHA-256 of ``canonical_json(records)`` (:func:`zeren.audit.rules.canonical_json`).

    Flat objects of strings, integers, booleans and nulls — what departments send — are
    serialised by orjson, whose output is byte for byte the canonical one for them (sorted keys, no
    spaces, UTF-8, the same escapes); floats and nested values go through ``canonical_json``.
    """
    from zeren.audit.rules import canonical_json

    if all(type(r) is dict and FLAT_SAFE.issuperset(map(type, r.values())) for r in records):
        try:
            return hashlib.sha256(orjson.dumps(records, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, a lone surrogate
            pass
    return hashlib.sha256(canonical_json(records).encode("utf-8")).hexdigest()
