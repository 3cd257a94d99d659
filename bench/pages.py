"""Benchmark: server time of the leader cockpit and of the main HTML pages (issue 18).

    python bench/pages.py [--home DIR] [--requests 50] [--page-requests 10] [--small]

The database is ``--home``'s (or ZEREN_DATABASE_URL); when it holds no demo city, the demo is built
into it first (city size, or small with --small). Requests go through Django's test client in this
process, signed in as the demo's city leader (the cockpit) and administrator (the pages), so the time
is the server's: middleware, views, queries, templates — no network, no browser.

1. ``/cockpit/`` (the city), ``--requests`` times with the panels' cache on (the first request fills
   it), then as many with it off (settings.ZEREN_COCKPIT_CACHE = False): p95 of each, wall and CPU,
   and the ratio uncached / cached.
2. Every HTML page without a parameter, and the main detail pages (the first record of each), each
   ``--page-requests`` times: the ten heaviest by p95 wall time.

Wall time includes waiting for a core on a shared machine; CPU time (this process) does not, but
leaves out the database server's own CPU when that is PostgreSQL. Prints the figures and a final JSON
line.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import setup_django  # noqa: E402

SKIP = ("/api/", "/admin/", "/logout/", "/i18n/", "/open311/", "/login/", "/static/")


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(client, url: str, n: int) -> tuple[list[float], list[float], int, str]:
    walls, cpus, status, kind = [], [], 0, ""
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
        status, kind = response.status_code, response.get("Content-Type", "")
    return walls, cpus, status, kind


def build_demo(size: str, today: date) -> None:
    from django.db import transaction

    from zeren.demo.context import DemoContext, demo_steps
    from zeren.demo.models import DemoBuild

    ctx = DemoContext(size=size, seed=2007, today=today, quiet=True)
    started = time.perf_counter()
    with transaction.atomic():
        for step in demo_steps():
            step.build(ctx)
        DemoBuild.objects.create(size=size, seed=2007, seconds=time.perf_counter() - started)


def page_urls() -> list[str]:
    """The GET pages without a parameter, and the main detail pages of the first record of each kind."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from zeren.accountability.models import Complaint, FaultCase, IncidentReview
    from zeren.duties.models import DutyFinding, FunctionItem
    from zeren.evaluation.models import Round
    from zeren.org.models import Unit
    from zeren.oversight.models import Referral
    from zeren.supervision.models import ApprovalCase
    from zeren.targets.models import Target

    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
                url = "/" + route.lstrip("^").rstrip("$")
                if not url.startswith(SKIP) and not url.endswith((".json", ".xml", ".csv", ".xlsx", ".pdf", ".atom")):
                    found.append(url)

    walk(get_resolver().url_patterns, "")
    details = []
    for model, url in ((Target, lambda o: f"/targets/t/{o.pk}/"), (ApprovalCase, lambda o: f"/supervision/cases/{o.case_id}/"),
                       (FunctionItem, lambda o: f"/duties/items/{o.code}/"), (DutyFinding, lambda o: f"/duties/findings/{o.pk}/"),
                       (Complaint, lambda o: f"/accountability/complaints/{o.pk}/"),
                       (FaultCase, lambda o: f"/accountability/cases/{o.pk}/"),
                       (IncidentReview, lambda o: f"/accountability/reviews/{o.pk}/"),
                       (Round, lambda o: f"/evaluation/rounds/{o.pk}/"), (Referral, lambda o: f"/oversight/referrals/{o.pk}/")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            details.append(url(first))
    market = Unit.objects.filter(code__endswith="-SCJG").order_by("path").first()
    if market is not None:
        details += [f"/cockpit/{market.code}/", f"/org/units/{market.code}/"]
    return sorted(set(found)) + details


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", default=None)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page-requests", type=int, default=10)
    parser.add_argument("--small", action="store_true", help="the small demo, few requests (the CI smoke size)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the demo's reference date if built")
    args = parser.parse_args()
    if args.small:
        args.requests, args.page_requests = min(args.requests, 5), min(args.page_requests, 2)
    home = args.home or tempfile.mkdtemp(prefix="zeren-bench-pages-")
    setup_django(home, None)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from zeren.demo.models import DemoBuild

    build = DemoBuild.objects.order_by("-built_at").first()
    if build is None:
        started = time.perf_counter()
        build_demo("small" if args.small else "city", args.today or timezone.localdate())
        print(f"built the {'small' if args.small else 'city'} demo in {time.perf_counter() - started:.1f} s")
        build = DemoBuild.objects.order_by("-built_at").first()
    settings.ZEREN_RATELIMITS = {}
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 405s of POST-only routes; 500s are listed
    users = get_user_model().objects
    leader, admin = Client(), Client(raise_request_exception=False)  # a page that fails is reported, not fatal
    leader.force_login(users.get(username="leader"))
    admin.force_login(users.get(username="admin"))

    from django.core.cache import cache

    cache.clear()
    settings.ZEREN_COCKPIT_CACHE = True
    first_wall, first_cpu, status, _ = timed(leader, "/cockpit/", 1)
    assert status == 200, status
    cached_wall, cached_cpu, _, _ = timed(leader, "/cockpit/", args.requests)
    settings.ZEREN_COCKPIT_CACHE = False
    bare_wall, bare_cpu, _, _ = timed(leader, "/cockpit/", args.requests)
    settings.ZEREN_COCKPIT_CACHE = True
    ratio = p95(bare_wall) / p95(cached_wall)
    print(f"demo: {build.size} (built {build.built_at:%Y-%m-%d}); {args.requests} requests of /cockpit/ as the city leader")
    print(f"  first request (fills the cache): {first_wall[0] * 1000:.0f} ms wall, {first_cpu[0] * 1000:.0f} ms CPU")
    print(f"  cached:   p95 {p95(cached_wall) * 1000:.1f} ms wall, {p95(cached_cpu) * 1000:.1f} ms CPU")
    print(f"  uncached: p95 {p95(bare_wall) * 1000:.1f} ms wall, {p95(bare_cpu) * 1000:.1f} ms CPU")
    print(f"  ratio uncached/cached (p95 wall): {ratio:.1f}   (CPU: {p95(bare_cpu) / p95(cached_cpu):.1f})")

    pages, failed = [], []
    for url in page_urls():
        walls, cpus, status, kind = timed(admin, url, args.page_requests)
        if status == 200 and kind.startswith("text/html"):
            pages.append({"url": url, "p95_ms": round(p95(walls) * 1000, 1), "p95_cpu_ms": round(p95(cpus) * 1000, 1)})
        elif status >= 500:
            failed.append(url)
    pages.sort(key=lambda p: -p["p95_ms"])
    print(f"the ten heaviest of {len(pages)} HTML pages ({args.page_requests} requests each, as the administrator):")
    for p in pages[:10]:
        print(f"  {p['p95_ms']:8.1f} ms wall  {p['p95_cpu_ms']:8.1f} ms CPU  {p['url']}")
    if failed:
        print(f"pages that answered a server error: {', '.join(failed)}")
    print(json.dumps({
        "bench": "pages", "demo": build.size, "requests": args.requests,
        "cockpit_cached_p95_ms": round(p95(cached_wall) * 1000, 1), "cockpit_cached_p95_cpu_ms": round(p95(cached_cpu) * 1000, 1),
        "cockpit_uncached_p95_ms": round(p95(bare_wall) * 1000, 1), "cockpit_uncached_p95_cpu_ms": round(p95(bare_cpu) * 1000, 1),
        "ratio": round(ratio, 2), "pages": len(pages), "heaviest": pages[:10], "failed": failed}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
