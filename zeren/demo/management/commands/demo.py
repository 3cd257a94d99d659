"""``zeren demo``: build (or reuse) a synthetic city in the configured database and serve it.

Run again, it reuses the demo database it built; ``--reset`` rebuilds it; it refuses to
touch a database that holds data but was not built by ``zeren demo``.
"""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from zeren.core import bulk
from zeren.demo.context import SIZES, DemoContext, demo_steps
from zeren.demo.models import DemoBuild
from zeren.org.models import Unit

DEMO_LOGINS = [
    ("admin", "系统管理员 administrator"),
    ("leader", "市政府领导 city leader"),
    ("officer", "监察局监察人员 supervision officer"),
    ("perf", "绩效办工作人员 performance office"),
    ("head", "部门负责人 department head"),
    ("staff", "部门工作人员 department staff"),
    ("bianban", "编办工作人员 establishment officer"),
]


class Command(BaseCommand):
    help = "Build a synthetic demo city (or reuse the one built before) and serve the web app."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZES, default="small")
        parser.add_argument("--seed", type=int, default=2007)
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="reference date (default: today)")
        parser.add_argument("--reset", action="store_true", help="rebuild the demo database from scratch")
        parser.add_argument("--no-serve", action="store_true", help="only build the data")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, size, seed, today, reset, no_serve, addrport, **options):
        quiet = options["verbosity"] < 1
        call_command("migrate", interactive=False, verbosity=0)
        build = DemoBuild.objects.order_by("-built_at").first()
        has_data = Unit.objects.exists() or get_user_model().objects.exists()
        if has_data and build is None:
            raise CommandError(
                "this database holds data that `zeren demo` did not build; refusing to touch it. "
                "Point ZEREN_HOME or ZEREN_DATABASE_URL at an empty database."
            )
        if build is not None and not reset:
            self.stdout.write(f"zeren demo: reusing the demo city built {build.built_at:%Y-%m-%d %H:%M} "
                              f"(size {build.size}, seed {build.seed}); --reset rebuilds it")
        else:
            if build is not None:
                call_command("flush", interactive=False, verbosity=0)
                cache.clear()  # flush leaves the cache table: results cached under the old city's versions
            self._build(size, seed, today or timezone.localdate(), quiet)
            bulk.analyze()  # the planner's statistics of the tables just filled
        self._print_logins()
        if not no_serve:
            call_command("serve", addrport)

    @transaction.atomic
    def _build(self, size: str, seed: int, today: date, quiet: bool) -> None:
        # One transaction: a build that fails or is killed leaves an empty database, never half a city.
        started = time.perf_counter()
        ctx = DemoContext(size=size, seed=seed, today=today, quiet=quiet)
        for step in demo_steps():
            step_started = time.perf_counter()
            step.build(ctx)
            if not quiet:
                self.stdout.write(f"  {step.__name__}: {time.perf_counter() - step_started:.1f} s")
        seconds = time.perf_counter() - started
        DemoBuild.objects.create(size=size, seed=seed, seconds=seconds)
        self.stdout.write(self.style.SUCCESS(f"zeren demo: built the {size} demo city (seed {seed}) in {seconds:.1f} s"))

    def _print_logins(self) -> None:
        users = {u.username: u for u in get_user_model().objects.select_related("unit").filter(
            username__in=[name for name, _ in DEMO_LOGINS])}
        self.stdout.write(f"\nDemo log-ins (password: {settings.ZEREN_DEMO_PASSWORD}):")
        for name, role in DEMO_LOGINS:
            user = users.get(name)
            unit = user.unit.name if user and user.unit_id else "—"
            self.stdout.write(f"  {name:<8} {role:<40} {unit}")
