"""What every database benchmark does first: Django configured on a scratch home or database, migrated."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_backend_pids: dict[int, int] = {}


def cpu_seconds() -> float:
    """CPU seconds spent so far by this process and, on PostgreSQL, by its server process (read from
    /proc: the server runs on this machine). On a shared machine CPU time, unlike wall time, does
    not count the other work waiting for the cores."""
    import time

    from django.db import connection

    spent = time.process_time()
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pid = _backend_pids.get(id(connection.connection))
        if pid is None:  # asked once per connection: timing many requests, the query would be counted each time
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = _backend_pids[id(connection.connection)] = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return spent


def setup_django(home: str, database_url: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zeren.settings")
    os.environ["ZEREN_HOME"] = home
    if database_url:
        os.environ["ZEREN_DATABASE_URL"] = database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def build_catalog(departments: int = 10, units_per_department: int = 300, items_per_department: int = 30) -> list:
    """A city's catalogue as the benchmarks need it — thousands of units, hundreds of items — and
    the simulator's item specs: each item handled by one of its department's sub-units."""
    from decimal import Decimal

    from zeren.org.models import Unit
    from zeren.org.testing import make_unit
    from zeren.supervision.models import ApprovalItem
    from zeren.supervision.simulate import ItemSpec

    city = make_unit("BENCH", kind="government", name="基准市")

    def units(parent: Unit, codes: list[str]) -> list[Unit]:
        return Unit.objects.bulk_create([Unit(code=code, name=code, kind="department", level=parent.level, parent=parent,
                                              path=Unit.path_for(code, parent.path)) for code in codes])
    specs, items = [], []
    for department in units(city, [f"BENCH-D{d}" for d in range(departments)]):
        subunits = units(department, [f"{department.code}-{k:03d}" for k in range(units_per_department)])
        for i in range(items_per_department):
            fee = Decimal("100") if i % 4 == 3 else Decimal("0")
            code = f"{department.code}-I{i:02d}"
            items.append(ApprovalItem(code=code, name=f"事项{code}", unit=department, statutory_days=20,
                                      promised_days=10, fee_standard=fee, required_steps=["review", "approve"]))
            specs.append(ItemSpec(code, subunits[i % len(subunits)].code, 20, 10, fee))
    ApprovalItem.objects.bulk_create(items)
    return specs
