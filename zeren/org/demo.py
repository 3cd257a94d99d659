"""Demo step: the synthetic city's organisation (placeholder until the org demo lands)."""

from zeren.demo.context import DemoContext

ORDER = 10


def build(ctx: DemoContext) -> None:
    raise NotImplementedError("org demo generator: in progress")
