"""Text that code writes into a record for a page to show later (a status reason, a proposed change's
reason), kept as a message so that it reads in the reader's language.

Such a text is stored twice: as Chinese text (the field it always had — search, exports, the audit
entry's ``reason``, and every row written before it was a message) and as a message: a key and its
parameters, rendered at display time. An app declares its messages in ``zeren/<app>/messages.py``:
``MESSAGES = {"<app>.<name>": gettext_lazy("检讨已于 %(day)s 提交"), …}`` — a lazily translated format
string, English in the app's locale — or a function of the parameters returning the text in the
active language (for parameters that are codes to label). A parameter that is a name in both
languages is ``names(zh, en)``. The findings' titles (zeren.findings.causes ``TITLES``) are rendered
by the same :func:`render_message`.

The writer passes ``message("<key>", **params)`` where it passed a string; the action stores
``str(m)`` (Chinese), ``m.key`` and ``m.params`` (:func:`stored`). A row without a key, or whose key no
installed app declares any more, or whose parameters no longer fit, shows its stored text.

Audit entries keep the reason as text (the hash chain covers it): :func:`recognise` shows such a text in
the reader's language when it is exactly a known message's Chinese wording (its parameters as they were
written, in Chinese), without the entry changing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from zeren.core.registry import declared

STORED_LANGUAGE = "zh-hans"


@cache
def registry() -> dict[str, Any]:
    """``key → message`` over every installed app's ``messages.py`` ``MESSAGES``; a key declared twice is
    an error."""
    return declared("messages", "MESSAGES", "message")


def names(name: str, name_en: str = "") -> dict[str, str]:
    """A parameter that is a name in both languages (a unit's, a category's): rendered as ``name_en`` in
    the English UI when there is one, else ``name``."""
    return {"zh": name, "en": name_en}


def param(value: Any) -> Any:
    """A stored parameter in the active language (see :func:`names`)."""
    if isinstance(value, dict) and "zh" in value:
        english = value.get("en") and (translation.get_language() or "").startswith("en")
        return value["en"] if english else value["zh"]
    return value


def render_message(text: Any, params: dict[str, Any] | None, fallback: str = "") -> str:
    """``text`` (a lazy format string or a function of the parameters) with ``params``, in the active
    language; ``fallback`` when there is no text or the parameters do not fit it (an older version)."""
    if text is None:
        return fallback
    values = {name: param(value) for name, value in (params or {}).items()}
    try:
        return text(values) if callable(text) else str(text) % values
    except (KeyError, TypeError, ValueError):
        return fallback


def render(key: str, params: dict[str, Any] | None, fallback: str = "") -> str:
    """The stored message ``key`` with ``params`` in the active language; ``fallback`` (the stored
    Chinese text) for a row without a key or with a key no installed app declares."""
    return render_message(registry().get(key) if key else None, params, fallback)


@dataclass(frozen=True)
class Message:
    """A message to store: ``str()`` is its Chinese text (what the record's text field and the audit entry
    keep)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        with translation.override(STORED_LANGUAGE):
            return render(self.key, self.params)


def message(key: str, **params: Any) -> Message:
    """The message ``key`` with its parameters (JSON values; names through :func:`names`); refused when
    no installed app declares ``key`` (it could never be shown)."""
    if key not in registry():
        raise ImproperlyConfigured(f"message {key!r} is not declared in any app's messages.py MESSAGES")
    return Message(key, params)


def stored(text: str | Message) -> tuple[str, str, dict[str, Any]]:
    """``(Chinese text, key, params)`` to store for ``text``: a message, or a plain text (written by a user,
    stored as it is, with no key)."""
    if isinstance(text, Message):
        return str(text), text.key, dict(text.params)
    return text, "", {}


@cache
def _wordings() -> list[tuple[re.Pattern[str], str]]:
    """``(pattern of the Chinese wording, key)`` of each declared format-string message (a function of its
    parameters has no fixed wording)."""
    found = []
    with translation.override(STORED_LANGUAGE):
        for key, text in registry().items():
            if callable(text):
                continue
            parts = re.split(r"%\((\w+)\)s", str(text))
            pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
            found.append((re.compile(pattern, re.DOTALL), key))
    return found


def recognise(text: str) -> str:
    """``text`` in the active language when it is exactly the Chinese wording of a declared message (a reason
    code wrote before, stored as text only — an audit entry's); otherwise, and in the Chinese UI, as it is."""
    if not text or (translation.get_language() or STORED_LANGUAGE).lower().startswith("zh"):
        return text
    for pattern, key in _wordings():
        match = pattern.fullmatch(text)
        if match:
            return render(key, match.groupdict(), text)
    return text
