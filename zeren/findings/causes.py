"""The registry of finding causes (问题类型) and their labels, contributed by the producers.

An app that raises findings declares every cause it raises in a module ``zeren/<app>/causes.py``
defining ``CAUSES``: ``{"<cause code>": gettext_lazy("中文标签"), …}`` — the label in Chinese, its
English in the app's locale — and the keys of the ``details`` its findings carry, ``DETAILS``:
``{"<key>": gettext_lazy("标签")}``, with, for a key whose values are codes or need formatting,
``DETAIL_VALUES``: ``{"<key>": {code: label} or a function of the value}``; the pages show a
finding's details as these labelled fields, never as the raw dictionary. Findings discover these modules through the installed apps (as
evaluation finds ``indicators.py``), so it never imports a producer (import-linter contract), and
refuses to raise a cause no producer declared: a code without a label can not reach the inbox,
its filters or its exports.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

# names: a title parameter that is a name in both languages, re-exported for the producers
from zeren.core.messages import names as names
from zeren.core.messages import render_message
from zeren.core.registry import app_modules, declared


class UnknownCause(ValueError):
    """A producer raised a cause it did not declare in its ``causes.py``."""


@cache
def registry() -> dict[str, tuple[str, Any]]:
    """``cause → (declaring app label, lazy label)`` over every installed app's ``CAUSES``; a code
    declared by two apps is an error (a cause names one thing)."""
    found: dict[str, tuple[str, Any]] = {}
    for config, module in app_modules("causes"):
        for cause, label in getattr(module, "CAUSES", {}).items():
            if cause in found and found[cause][0] != config.label:
                raise ImproperlyConfigured(f"finding cause {cause!r} is declared by both "
                                           f"{found[cause][0]} and {config.label}")
            found[cause] = (config.label, label)
    return dict(sorted(found.items()))


def require(cause: str) -> None:
    """Refuse a cause no producer declared (its label would be missing from every page and export)."""
    if cause not in registry():
        raise UnknownCause(f"finding cause {cause!r} has no label: declare it in CAUSES of the producing "
                           f"app's causes.py")


def labels() -> dict[str, str]:
    """``cause → label`` in the active language."""
    return {cause: str(label) for cause, (_app, label) in registry().items()}


@cache
def _modules() -> dict[str, Any]:
    return {config.label: module for config, module in app_modules("causes")}


def detail_rows(cause: str, details: dict[str, Any]) -> list[tuple[str, str]]:
    """A finding's details as ``(label, value)`` pairs, labelled by the app that declared its cause:
    codes through ``DETAIL_VALUES``, lists joined, numbers rounded, a key it did not declare as is."""
    entry = registry().get(cause)
    module = _modules().get(entry[0]) if entry else None
    names: dict[str, Any] = getattr(module, "DETAILS", {})
    values: dict[str, Any] = getattr(module, "DETAIL_VALUES", {})
    rows = []
    for key, value in details.items():
        shown = values.get(key)
        if callable(shown):
            text = shown(value)
        elif isinstance(shown, dict):
            text = "、".join(str(shown.get(v, v)) for v in value) if isinstance(value, list) else shown.get(value, value)
        else:
            text = _plain(value)
        rows.append((str(names.get(key, key)), str(text)))
    return rows


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value)
    return str(value)


@cache
def titles() -> dict[str, Any]:
    """``title key → message`` over every installed app's ``TITLES``: a lazily translated format string
    (``gettext_lazy("目标逾期未完成：%(code)s %(title)s")``) or a function of the parameters returning the
    title in the active language."""
    return declared("causes", "TITLES", "finding title")


def render_title(key: str, params: dict[str, Any], fallback: str = "") -> str:
    """A finding's title in the active language from its message ``key`` and ``params``; ``fallback``
    (the stored Chinese title) for a finding without a message or one whose message no app declares."""
    return render_message(titles().get(key) if key else None, params, fallback)


def titled(key: str, **params: Any) -> dict[str, Any]:
    """The title fields of a finding raised with the message ``key``: ``title`` (rendered in Chinese, the
    stored text), ``title_key`` and ``title_params`` — spread into ``do_raise_finding`` or ``FindingSpec``."""
    if key not in titles():
        raise ImproperlyConfigured(f"finding title {key!r} is not declared in any app's causes.py TITLES")
    with translation.override("zh-hans"):
        title = render_title(key, params)
    return {"title": title[:300], "title_key": key, "title_params": params}


def label(cause: str) -> str:
    """The cause's label in the active language; the code itself for a cause no installed app declares
    (a finding raised by an app since removed)."""
    entry = registry().get(cause)
    return str(entry[1]) if entry else cause
