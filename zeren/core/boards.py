"""What an app hands the leader cockpit and the workbench (领导驾驶舱、我的工作台), as plain data.

Each element app contributes without the cockpit importing its internals (as evaluation reads
``indicators.py``):

- ``zeren/<app>/cockpit.py`` defines ``PANELS: list[Panel]``. A panel's ``compute(scope)`` returns a
  :class:`PanelData` for the unit subtree ``scope.unit`` (which the viewer may see whole): headline
  figures, charts (drawn with ECharts, each also shown as a table), the units on this element's problem
  list, and links to the lists behind them.
- ``zeren/<app>/workbench.py`` defines ``QUEUES: list[Queue]``: open items someone must act on by a
  deadline, as a scoped queryset plus the lookups the workbench filters, sorts and pages it by.

The types live here, in a foundation, so both sides import them and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from zeren.org.models import localized_name

# --- cockpit panels -------------------------------------------------------------------------------

TONES = ("", "ok", "warn", "bad")


@dataclass(frozen=True)
class PanelScope:
    """What a panel computes for: ``unit``'s subtree as ``user`` sees it on ``today``."""

    user: Any
    unit: Any  # zeren.org.models.Unit
    today: date

    @property
    def path(self) -> str:
        return str(self.unit.path)


@dataclass
class Figure:
    """A headline number of a panel, linking to the list behind it."""

    label: str
    value: int | float | str | None
    url: str = ""
    tone: str = ""  # one of TONES: how alarming the number is
    suffix: str = ""  # "%", …


@dataclass
class Series:
    name: str
    data: list[float | int | None]
    colour: str = ""
    stack: str = ""  # series with the same stack are stacked


@dataclass
class Chart:
    """One chart: ``kind`` is ``bar`` (vertical), ``hbar`` (horizontal, for unit names), ``line`` or
    ``pie`` (one series). ``links[i]`` is the list behind category ``i`` (``""`` for none)."""

    title: str
    kind: str
    categories: list[str]
    series: list[Series]
    links: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)  # per category (a pie's slices), else the series'
    unit: str = ""  # the measure of the values ("%", …) shown on the axis and in the table
    max: float | None = None  # the value axis' maximum (100 for a rate)

    @property
    def rows(self) -> list[tuple[str, str, list[float | int | None]]]:
        """The chart as a table (its text alternative): (category, link, one value per series)."""
        return [(category, self.links[i] if i < len(self.links) else "",
                 [s.data[i] if i < len(s.data) else None for s in self.series])
                for i, category in enumerate(self.categories)]


@dataclass
class PanelData:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # This element's problem list: unit code → how many problems (overdue targets, red cards, …).
    # The cockpit rolls them up to the viewed unit's children for the "where the chain is breaking" strip.
    problems: dict[str, int] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the lists behind the panel
    note: str = ""  # what the numbers are of (a round's name, a period)


@dataclass(frozen=True)
class Panel:
    """One element's panel. ``depends_on``: the apps (audit action prefixes, e.g. ``"targets"``) whose
    recorded changes make its cached numbers stale."""

    element: str  # duties | targets | supervision | evaluation | accountability
    order: int  # the element's place along the chain
    title: Any  # lazy text
    compute: Callable[[PanelScope], PanelData]
    depends_on: tuple[str, ...] = ()


# --- workbench queues -----------------------------------------------------------------------------

# Who acts on a queue's items: the unit the item is about (its staff; departments are urged when they
# leave it) or an officer holding the capability over the actor path (supervision, evaluation, 编办).
UNIT = "unit"


@dataclass(frozen=True)
class QueueItem:
    """One row of a workbench: what is due, from which unit, by when, and where to do it."""

    kind: str
    ref: str  # "app.model:pk", how urges name the item
    title: str
    unit_code: str
    unit_name: str
    unit_name_en: str
    due: date | None
    url: str
    state: str = ""  # the item's status, as a label
    done_on: date | None = None  # closed items (history)

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit_name, self.unit_name_en)

    @property
    def pk(self) -> str:
        return self.ref.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class QueueScope:
    user: Any
    today: date
    horizon: date  # items due after this are not yet "due" where a queue says so (progress reports)


@dataclass(frozen=True)
class Queue:
    """A kind of work item. ``open(scope)`` / ``closed(scope)`` return querysets of what the user may see
    (the app's scoped selectors); the workbench narrows them to "mine" by ``actor`` (a lookup to the path
    of the unit that must act) and filters, sorts and pages them by ``unit`` (lookup to the path of the
    unit the item is about), ``due`` and ``done_on`` (lookups, possibly annotated by the queryset).
    ``row(obj)`` turns one record into a :class:`QueueItem`.

    ``who``: :data:`UNIT` when the actor unit's own people act (and supervision may urge them), else the
    capability an officer needs over the actor path (``"supervise"``, ``"evaluate"``, …). ``actor``
    may be ``""`` for items of no unit (an evaluation round): then the capability anywhere suffices."""

    kind: str
    label: Any  # lazy text
    order: int
    open: Callable[[QueueScope], QuerySet[Any]]
    closed: Callable[[QueueScope], QuerySet[Any]]
    row: Callable[[Any], QueueItem]
    actor: str = "unit__path"
    unit: str = "unit__path"
    due: str = ""
    done_on: str = ""
    who: str = UNIT


# --- helpers both sides use ----------------------------------------------------------------------


def unit_label(name: str, name_en: str = "") -> str:
    """A unit's name in the active language: the English name in the English UI when there is one."""
    return localized_name(name, name_en)


def child_path(scope_path: str, unit_path: str) -> str | None:
    """The path of the direct child of ``scope_path`` that ``unit_path`` lies under (``unit_path``'s own
    path for a direct child), ``scope_path`` for the unit itself, ``None`` outside the subtree."""
    if not unit_path.startswith(scope_path):
        return None
    rest = unit_path[len(scope_path):].strip("/")
    return scope_path if not rest else f"{scope_path}{rest.split('/')[0]}/"


def ancestor_paths(path: str) -> list[str]:
    """``"/A/B/"`` → ``["/A/", "/A/B/"]``: the unit's path and its ancestors'."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def code_of(path: str) -> str:
    """``"/CITY/CITY-FT/"`` → ``"CITY-FT"``."""
    return path.rstrip("/").rsplit("/", 1)[-1]
