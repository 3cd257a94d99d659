"""The registry of automatic indicator sources (自动采集指标), discovered from the apps.

An app contributes indicators by a module ``zeren/<app>/indicators.py`` defining ``SOURCES``:
``{"<app>.<name>": {"label", "label_en", "polarity": "higher"|"lower", "measure", "compute"}}`` where
``compute(unit_codes, start, end) -> {unit code: (value, n)}`` (``n`` the cases behind a rate, or
``None``); a unit with no data is absent. Evaluation reads them through :func:`sources` and never
imports the apps' internals. A rate (``measure == "%"``) is a plain ratio in 0…1.

Special evaluations (专项评估) of a programme: an app may also define ``PROGRAMMES``, the kinds of
selection it offers — ``{"<app>.<kind>": {"label", "label_en", "choices": callable → {key: label} or
None (free codes), "participants": (keys, start, end) -> set of unit codes}}`` — and a source may add
``"programme": (unit_codes, start, end, selection) -> {unit code: (value, n)}`` with
``"programme_kinds": [...]``, the kinds it can restrict itself to: then it counts only the records of
the programme's ``selection`` (``{kind: [keys]}``, kinds of any app; it uses those it understands).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from django.utils.translation import gettext as _

from zeren.core.registry import app_modules
from zeren.org.models import english_ui

MANUAL = "manual"
RATE = "%"


def _registry(name: str) -> dict[str, dict[str, Any]]:
    """Every installed app's ``indicators.<name>``, merged (the way :func:`zeren.demo.context.demo_steps` finds demos)."""
    found: dict[str, dict[str, Any]] = {}
    for _config, module in app_modules("indicators"):
        found.update(getattr(module, name, {}))
    return dict(sorted(found.items()))


@cache
def sources() -> dict[str, dict[str, Any]]:
    """Every installed app's ``SOURCES``."""
    return _registry("SOURCES")


@cache
def programme_kinds() -> dict[str, dict[str, Any]]:
    """Every installed app's ``PROGRAMMES``: the kinds of records a programme can be selected by."""
    return _registry("PROGRAMMES")


def selection_errors(selection: Any, where: str) -> list[str]:
    """What is wrong with a programme's ``selection`` (``{kind: [keys]}``), each error naming the key."""
    kinds = programme_kinds()
    if not isinstance(selection, dict) or not selection:
        return [f"{where}: a selection {{kind: [keys]}} is required, kinds: {', '.join(kinds)}"]
    errors = []
    for kind, keys in selection.items():
        if kind not in kinds:
            errors.append(f"{where}[{kind!r}]: unknown kind; one of {', '.join(kinds) or 'none installed'}")
        elif not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k.strip() for k in keys):
            errors.append(f"{where}[{kind!r}]: a non-empty list of codes is required")
        elif kinds[kind].get("choices"):
            valid = kinds[kind]["choices"]()
            errors += [f"{where}[{kind!r}]: {k!r} is not one of {', '.join(valid)}" for k in keys if k not in valid]
    return errors


def scopable(source: str, selection: dict[str, Any]) -> bool:
    """Can ``source`` be restricted to a programme with this ``selection``?"""
    spec = sources().get(source, {})
    return bool(spec.get("programme")) and bool(set(spec.get("programme_kinds", ())) & set(selection))


def participants(selection: dict[str, Any], start: date, end: date) -> list[str]:
    """Codes of the units that carry the programme in the period (有专项任务的单位), from every kind."""
    kinds = programme_kinds()
    found: set[str] = set()
    for kind, keys in selection.items():
        if kind in kinds:
            found |= set(kinds[kind]["participants"](list(keys), start, end))
    return sorted(found)


def label(source: str) -> str:
    """A data source's name in the active language (``label_en`` in the English UI); 手工填报 for manual
    values, ``""`` for a source no installed app declares."""
    if source == MANUAL:
        return _("手工填报")
    spec = sources().get(source, {})
    return spec.get("label_en") or spec.get("label", "") if english_ui() else spec.get("label", "")


def selection_labels(selection: dict[str, Any]) -> list[tuple[str, str]]:
    """``(kind label, keys as labels)`` for showing a programme's scope."""
    kinds = programme_kinds()
    out = []
    for kind, keys in selection.items():
        spec = kinds.get(kind, {})
        names = spec["choices"]() if spec.get("choices") else {}
        shown = spec.get("label_en") if english_ui() and spec.get("label_en") else spec.get("label", kind)
        out.append((shown, "、".join(str(names.get(k, k)) for k in keys)))
    return out


def is_rate(source: str) -> bool:
    spec = sources().get(source)
    return bool(spec) and spec.get("measure") == RATE


def compute(source: str, unit_codes: list[str], start: date, end: date,
            selection: dict[str, Any] | None = None) -> dict[str, tuple[float, float | None]]:
    """The values of one automatic source for the units over the period; with a programme's
    ``selection``, counting only the programme's records (the source must be :func:`scopable`)."""
    if selection is not None:
        return sources()[source]["programme"](unit_codes, start, end, selection)
    return sources()[source]["compute"](unit_codes, start, end)
