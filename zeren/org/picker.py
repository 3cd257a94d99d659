"""The unit picker (单位选择): every unit filter takes a unit's name as well as its code.

A filter's text is read as ``名称 · CODE`` (what the searchable picker offers), a bare code, or a
name: the unit whose name (or short name) is exactly it, else the one unit whose name contains it.
When the name fits several units or none, the page says so — naming the candidates to choose from —
instead of silently showing nothing: the filter then matches no unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from zeren.org.models import Unit

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class UnitChoice:
    """What a unit filter was given (``text``) and the unit it names (``unit``), or, when it names none
    or several, the ``candidates`` (``(name, link)``: the same page filtered by each) to choose from."""

    text: str = ""
    unit: Unit | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)
    more: bool = False  # more candidates than listed

    @property
    def code(self) -> str:
        """The code to filter by: the unit's, or, for text that names no single unit, the text itself
        (so the filter matches nothing, and the page says why)."""
        return self.unit.code if self.unit is not None else self.text

    @property
    def value(self) -> str:
        """The filter's text as the picker shows it back."""
        return f"{self.unit.display_name} · {self.unit.code}" if self.unit is not None else self.text

    @property
    def unmatched(self) -> bool:
        return bool(self.text) and self.unit is None


def find_unit(text: str, units: QuerySet[Unit] | None = None) -> tuple[Unit | None, list[Unit], bool]:
    """``(the unit text names, candidates when it names none or several, whether there are more)``."""
    units = Unit.objects.all() if units is None else units
    text = text.strip()
    code = text.rsplit("·", 1)[-1].strip()
    unit = units.filter(code__iexact=code).first() if code else None
    if unit is not None or not text:
        return unit, [], False
    exact = list(units.filter(Q(name=text) | Q(short_name=text))[:2])
    if len(exact) == 1:
        return exact[0], [], False
    found = list(units.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(name_en__icontains=text))
                 .order_by("path")[:MAX_CANDIDATES + 1])
    if len(found) == 1:
        return found[0], [], False
    return None, found[:MAX_CANDIDATES], len(found) > MAX_CANDIDATES


def unit_choice(request: HttpRequest, param: str = "unit", units: QuerySet[Unit] | None = None) -> UnitChoice:
    """The unit a page's filter ``param`` names, with links to the page filtered by each candidate."""
    text = request.GET.get(param, "").strip()[:260]
    unit, found, more = find_unit(text, units)
    query: dict[str, Any] = {k: v for k, v in request.GET.items() if k not in (param, "page")}
    candidates = [(u.display_name, "?" + urlencode({**query, param: u.code})) for u in found]
    return UnitChoice(text=text, unit=unit, candidates=candidates, more=more)
