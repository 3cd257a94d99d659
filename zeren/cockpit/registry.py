"""The contributions of the element apps, discovered as evaluation discovers its indicator sources:
each installed ``zeren.*`` app may have a ``cockpit.py`` (``PANELS``) and a ``workbench.py``
(``QUEUES``); the types are :mod:`zeren.core.boards`. The cockpit imports nothing else of theirs."""

from __future__ import annotations

from functools import cache
from typing import Any

from zeren.core.boards import Panel, Queue
from zeren.core.registry import app_modules


def _contributions(module_name: str, attribute: str) -> list[Any]:
    return [item for _config, module in app_modules(module_name) for item in getattr(module, attribute, [])]


@cache
def panels() -> tuple[Panel, ...]:
    """Every app's panels, along the chain (duties → accountability)."""
    return tuple(sorted(_contributions("cockpit", "PANELS"), key=lambda p: (p.order, p.element)))


@cache
def queues() -> tuple[Queue, ...]:
    """Every app's work queues, in their order; kinds are unique."""
    found = sorted(_contributions("workbench", "QUEUES"), key=lambda q: (q.order, q.kind))
    kinds = [q.kind for q in found]
    duplicated = sorted({k for k in kinds if kinds.count(k) > 1})
    if duplicated:
        raise ValueError(f"workbench queue kinds contributed twice: {', '.join(duplicated)}")
    return tuple(found)


def queue(kind: str) -> Queue | None:
    return next((q for q in queues() if q.kind == kind), None)
