"""Demo step, last of all: seal everything the demo wrote under a first public checkpoint."""

from zeren.audit.actions import do_create_checkpoint
from zeren.demo.context import DemoContext

ORDER = 1000


def build(ctx: DemoContext) -> None:
    do_create_checkpoint()
