"""Benchmark: server time of the leader cockpit and of the main HTML pages (issue 18).

    python bench/pages.py [--home DIR] [--requests 50] [--page-requests 10] [--small]

The database is ``--home``'s (or ZEREN_DATABASE_URL); when it holds no demo city, the demo is built
into it first (city size, or small with --small). Requests go through Django's test client in this
process, signed in as the demo's city leader (the cockpit) and administrator (the pages), so the time
is the server's: middleware, views, queries, templates — no network, no browser.

1. ``/cockpit/`` (the city), ``--requests`` times with the panels' cache on (the first request fills
   it), then as many with it off (settings.ZEREN_COCKPIT_CACHE = False): p95 of each, wall and CPU,
   and the ratio uncached / cached.
2. Every HTML page without a parameter, the main detail pages (the first record of each, the city's
   unit), list pages with a user's filters and their last page, and the pages that differ by role as each
   demo role (the workbench above all) and as the public: a first request (it fills the page's caches,
   as for the cockpit; its time is printed beside), then ``--page-requests`` timed ones: the ten
   heaviest by p95 wall time.

Wall time includes waiting for a core on a shared machine; CPU time does not: this process's and, on
PostgreSQL, its server process's (``benchdb.cpu_seconds``, counted by the kernel in ticks of 10 ms).
Prints the figures and a final JSON line.
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

from benchdb import cpu_seconds, setup_django  # noqa: E402

SKIP = ("/api/", "/admin/", "/logout/", "/i18n/", "/open311/", "/login/", "/static/")


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(client, url: str, n: int) -> tuple[list[float], list[float], int, str]:
    walls, cpus, status, kind = [], [], 0, ""
    for _ in range(n):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        response = client.get(url)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - started_cpu)
        status, kind = response.status_code, response.get("Content-Type", "")
    return walls, cpus, status, kind


def build_demo(size: str, today: date) -> None:
    from django.db import transaction

    from zeren.core import bulk
    from zeren.demo.context import DemoContext, demo_steps
    from zeren.demo.models import DemoBuild

    ctx = DemoContext(size=size, seed=2007, today=today, quiet=True)
    started = time.perf_counter()
    with transaction.atomic():
        for step in demo_steps():
            step.build(ctx)
        DemoBuild.objects.create(size=size, seed=2007, seconds=time.perf_counter() - started)
    bulk.analyze()  # as `zeren demo` does


def page_urls() -> list[str]:
    """The GET pages without a parameter; the main detail pages (the first record of each kind, and the
    city's own unit and cockpit pages, the largest); list pages with the filters a user types (a unit, a
    department's name, a status) and their last page."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.utils import timezone

    from zeren.accountability.models import Complaint, FaultCase, IncidentReview
    from zeren.duties.models import DutyFinding, FunctionItem, PositionDescription
    from zeren.evaluation.models import Result, Round, Survey
    from zeren.findings.models import Finding
    from zeren.org.models import Person, Unit, UnitKind
    from zeren.oversight.models import JointInspection, JointMeeting, Publication, Referral
    from zeren.supervision.models import ApprovalCase, ApprovalItem
    from zeren.supervision.projects.models import Project
    from zeren.targets.models import Assessment, Letter, Target, WhitePaper

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
                       (ApprovalItem, lambda o: f"/supervision/items/{o.code}/"),
                       (Project, lambda o: f"/supervision/projects/{o.code}/"),
                       (FunctionItem, lambda o: f"/duties/items/{o.code}/"), (DutyFinding, lambda o: f"/duties/findings/{o.pk}/"),
                       (PositionDescription, lambda o: f"/duties/positions/{o.pk}/"),
                       (Complaint, lambda o: f"/accountability/complaints/{o.pk}/"),
                       (Complaint, lambda o: f"/accountability/track/{o.tracking_number}/"),
                       (FaultCase, lambda o: f"/accountability/cases/{o.pk}/"),
                       (IncidentReview, lambda o: f"/accountability/reviews/{o.pk}/"),
                       (Finding, lambda o: f"/accountability/findings/{o.pk}/"),
                       (Round, lambda o: f"/evaluation/rounds/{o.pk}/"),
                       (Result, lambda o: f"/evaluation/rounds/{o.round_id}/units/{o.unit.code}/"),
                       (Survey, lambda o: f"/evaluation/surveys/{o.code}/"),
                       (Referral, lambda o: f"/oversight/referrals/{o.pk}/"),
                       (Publication, lambda o: f"/oversight/publications/{o.pk}/"),
                       (Publication, lambda o: f"/sunshine/{o.pk}/"),
                       (JointMeeting, lambda o: f"/oversight/meetings/{o.pk}/"),
                       (JointInspection, lambda o: f"/oversight/inspections/{o.pk}/"),
                       (Letter, lambda o: f"/targets/letters/{o.unit.code}/{o.year}/"),
                       (WhitePaper, lambda o: f"/targets/white-papers/{o.unit.code}/{o.year}/"),
                       (Assessment, lambda o: f"/targets/assessments/{o.pk}/"),
                       (Person, lambda o: f"/org/persons/{o.code}/")):
        first = model.objects.order_by("pk").first()
        if first is not None:
            details.append(url(first))
    city = Unit.objects.filter(parent__isnull=True, kind=UnitKind.GOVERNMENT).order_by("path").first()
    market = (Unit.objects.filter(code__endswith="-SCJG", parent=city).first()
              or Unit.objects.filter(code__endswith="-SCJG").order_by("path").first())  # the city's market regulator
    district = Unit.objects.filter(kind=UnitKind.GOVERNMENT, parent=city).order_by("path").first() if city else None
    if city is not None:
        details += [f"/org/units/{city.code}/", f"/accountability/report/{timezone.localdate().year - 1}/"]
    if market is not None:
        details += [f"/cockpit/{market.code}/", f"/org/units/{market.code}/", f"/duties/?unit={market.code}",
                    f"/duties/positions/?unit={market.code}", f"/supervision/?unit={market.code}",
                    f"/supervision/items/?unit={market.code}", f"/targets/?unit={market.code}",
                    f"/accountability/inbox/?unit={market.code}", f"/duties/analysis/?unit={market.code}"]
    if district is not None:
        details += [f"/cockpit/{district.code}/", f"/supervision/?unit={district.code}",
                    f"/supervision/public/?district={district.code}"]
    details += ["/duties/?q=市场监督管理局", "/duties/?q=许可", "/duties/?page=99999", "/duties/analysis/?status=",
                "/duties/analysis/?page=99999", "/duties/positions/?page=99999", "/supervision/?type=yellow_card",
                "/supervision/?sort=-alerts", "/supervision/public/?q=局", "/accountability/inbox/?page=99999",
                "/accountability/complaints/?page=99999", "/targets/?page=99999", "/org/search/?q=市场",
                "/audit/?page=99999", "/findings/?page=99999", "/sunshine/?q=公示"]
    return sorted(set(found)) + details


# Pages whose content depends on who asks, requested as each demo role too (the administrator sees everything).
ROLE_PAGES = [("officer", "/workbench/"), ("head", "/workbench/"), ("staff", "/workbench/"), ("perf", "/workbench/"),
              ("bianban", "/workbench/"), ("leader", "/workbench/"), ("officer", "/supervision/"),
              ("officer", "/accountability/inbox/"), ("head", "/targets/"), ("head", "/cockpit/"), ("", "/"),
              ("", "/public/"), ("", "/supervision/public/"), ("", "/duties/"), ("", "/sunshine/"),
              ("", "/transparency/"), ("", "/public/results/"), ("", "/public/accountability/"),
              ("", "/accountability/complain/"), ("", "/targets/white-papers/")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", default=None)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page-requests", type=int, default=10)
    parser.add_argument("--show", type=int, default=10, help="how many of the heaviest pages to list")
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

    from zeren.core.startup import settle
    from zeren.demo.models import DemoBuild

    build = DemoBuild.objects.order_by("-built_at").first()
    if build is None:
        started = time.perf_counter()
        build_demo("small" if args.small else "city", args.today or timezone.localdate())
        print(f"built the {'small' if args.small else 'city'} demo in {time.perf_counter() - started:.1f} s")
        build = DemoBuild.objects.order_by("-built_at").first()
    settings.ZEREN_RATELIMITS = {}
    settle()  # as each server process does (zeren/wsgi.py)
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

    clients = {"admin": admin, "": Client(raise_request_exception=False)}
    for name in {role for role, _url in ROLE_PAGES if role}:
        if users.filter(username=name).exists():
            clients[name] = Client(raise_request_exception=False)
            clients[name].force_login(users.get(username=name))
    pages, failed = [], []
    for role, url in [("admin", url) for url in page_urls()] + [r for r in ROLE_PAGES if r[0] in clients]:
        first, _cpu, _status, _kind = timed(clients[role], url, 1)  # fills the page's caches, as for the cockpit
        walls, cpus, status, kind = timed(clients[role], url, args.page_requests)
        shown = url if role == "admin" else f"{url} (as {role or 'the public'})"
        if status == 200 and kind.startswith("text/html"):
            pages.append({"url": shown, "p95_ms": round(p95(walls) * 1000, 1), "p95_cpu_ms": round(p95(cpus) * 1000, 1),
                          "first_ms": round(first[0] * 1000, 1)})
        elif status >= 500:
            failed.append(shown)
    pages.sort(key=lambda p: -p["p95_ms"])
    print(f"the {args.show} heaviest of {len(pages)} HTML pages ({args.page_requests} requests each, as the administrator "
          "unless said):")
    for p in pages[:args.show]:
        print(f"  {p['p95_ms']:8.1f} ms wall  {p['p95_cpu_ms']:8.1f} ms CPU  (first {p['first_ms']:7.1f} ms)  {p['url']}")
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
