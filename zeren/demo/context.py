"""What every demo step receives: size, seed, a seeded RNG, a progress bar and shared notes."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any, TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zeren.core.registry import app_modules

T = TypeVar("T")

SIZES = ("small", "city")


@dataclass
class DemoContext:
    size: str
    seed: int
    today: date
    quiet: bool = False
    rng: random.Random = field(init=False)
    # Steps leave what later steps need here (e.g. "city_code", "district_codes").
    notes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"size must be one of {SIZES}, not {self.size!r}")
        self.rng = random.Random(self.seed)

    @property
    def is_city(self) -> bool:
        return self.size == "city"

    def scaled(self, small: int, city: int) -> int:
        return city if self.is_city else small

    def progress(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Iterate with a progress bar on the terminal (silent when ``quiet``)."""
        if self.quiet:
            yield from items
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task(description, total=total if total is not None else _len(items))
            for item in items:
                yield item
                bar.advance(task)


def _len(items: Iterable[Any]) -> int | None:
    try:
        return len(items)  # type: ignore[arg-type]
    except TypeError:
        return None


def demo_steps() -> list[ModuleType]:
    """Each installed app's ``demo`` module (``ORDER: int``, ``build(ctx)``), in ``ORDER``."""
    return sorted((module for _config, module in app_modules("demo")), key=lambda m: m.ORDER)
