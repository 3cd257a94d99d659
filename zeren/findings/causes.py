"""The registry of finding causes (问题类型) and their labels, contributed by the producers.

An app that raises findings declares every cause it raises in a module ``zeren/<app>/causes.py``
defining ``CAUSES``: ``{"<cause code>": gettext_lazy("中文标签"), …}`` — the label in Chinese, its
English in the app's locale. Findings discover these modules through the installed apps (as
evaluation finds ``indicators.py``), so it never imports a producer (import-linter contract), and
refuses to raise a cause no producer declared: a code without a label can not reach the inbox,
its filters or its exports.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from zeren.core.registry import app_modules


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


def label(cause: str) -> str:
    """The cause's label in the active language; the code itself for a cause no installed app declares
    (a finding raised by an app since removed)."""
    entry = registry().get(cause)
    return str(entry[1]) if entry else cause
