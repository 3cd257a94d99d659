"""The registry of automatic indicator sources (自动采集指标), discovered from the apps.

An app contributes indicators by a module ``zeren/<app>/indicators.py`` defining ``SOURCES``:
``{"<app>.<name>": {"label", "label_en", "polarity": "higher"|"lower", "measure", "compute"}}`` where
``compute(unit_codes, start, end) -> {unit code: (value, n)}`` (``n`` the cases behind a rate, or
``None``); a unit with no data is absent. Evaluation reads them through :func:`sources` and never
imports the apps' internals. A rate (``measure == "%"``) is a plain ratio in 0…1.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from zeren.core.registry import app_modules

MANUAL = "manual"
RATE = "%"


@cache
def sources() -> dict[str, dict[str, Any]]:
    """Every installed app's ``SOURCES``, merged (the way :func:`zeren.demo.context.demo_steps` finds demos)."""
    found: dict[str, dict[str, Any]] = {}
    for _config, module in app_modules("indicators"):
        found.update(getattr(module, "SOURCES", {}))
    return dict(sorted(found.items()))


def is_rate(source: str) -> bool:
    spec = sources().get(source)
    return bool(spec) and spec.get("measure") == RATE


def compute(source: str, unit_codes: list[str], start: date, end: date) -> dict[str, tuple[float, float | None]]:
    """The values of one automatic source for the units over the period."""
    return sources()[source]["compute"](unit_codes, start, end)
