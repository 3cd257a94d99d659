"""The demo's evaluation, end to end: every unit's contributions add up, pages, PDF and API answer."""

import pytest
from django.db import models
from django.test import Client

from zeren.access.models import User
from zeren.evaluation.models import Proposal, Result, Round, RoundStatus, Value
from zeren.findings.models import Finding
from zeren.org.testing import run_command

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_rounds_explain_every_score_and_pages_answer(django_assert_max_num_queries):
    code, out = run_command("demo", "--size", "small", "--no-serve", "--today", "2026-11-27")
    assert code in (0, None), out
    every = list(Round.objects.order_by("pk"))
    assert all(r.status == RoundStatus.PUBLISHED for r in every)
    rounds = [r for r in every if r.programme is None]
    assert len(rounds) == 4 and {r.pilot for r in rounds} == {True, False}
    # One special evaluation (专项评估): the 民生实事 programme across the units that carry it.
    special = next(r for r in every if r.programme is not None)
    assert special.programme.selection["targets.source"] == ["livelihood_project"]
    assert special.results.filter(rank__gte=1).count() >= 2
    assert Value.objects.filter(round=special, source="targets.completion_rate").exists()
    results = list(Result.objects.all())
    assert len(results) >= 10
    for r in results:  # the acceptance check: contributions add up to the composite, on every demo unit
        assert sum(d["contribution"] for d in r.details) == pytest.approx(r.score, abs=1e-9)
        assert -1e-9 <= r.score <= 100 + 1e-9 and r.rank >= 1
    assert Finding.objects.filter(source_app="evaluation", cause="evaluation.low_score").exists()
    assert Proposal.objects.exists() and Proposal.objects.exclude(status="open").exists()
    # Loop 1 into the duties catalogue: an accepted duty review is a pending draft change for the 编办.
    from zeren.duties.models import DraftChange

    accepted = Proposal.objects.filter(kind="duty_review", status="accepted").first()
    assert accepted is not None and accepted.draft.startswith("duties.draftchange:")
    assert DraftChange.objects.filter(origin=f"evaluation.proposal:{accepted.pk}", status="pending").exists()

    # The automatic sources: a handful of aggregate queries, and the on-time rate is what the cases say.
    from zeren.evaluation.sources import compute
    from zeren.supervision.models import ApprovalCase

    district = rounds[-1].scope.filter(kind="government").first() or rounds[-1].scope.first()
    period = (rounds[-1].period_start, rounds[-1].period_end)
    with django_assert_max_num_queries(3):
        on_time = compute("supervision.on_time_rate", [district.code], *period)
    cases = ApprovalCase.objects.filter(unit__path__startswith=district.path, received_date__range=period,
                                        decided_date__isnull=False)
    if cases.exists():
        late = cases.filter(decided_date__gt=models.F("statutory_deadline")).count()
        assert on_time[district.code] == pytest.approx((1 - late / cases.count(), cases.count()))
    with django_assert_max_num_queries(3):
        compute("duties.open_findings", [district.code], *period)
    assert Value.objects.filter(source="supervision.red_cards_per_100").exists()
    assert Value.objects.filter(source="evaluation.satisfaction_index").exists()

    client = Client()
    client.force_login(User.objects.get(username="perf"))
    rnd = rounds[-1]
    unit = rnd.results.order_by("rank").first().unit
    special_unit = special.results.order_by("rank").first().unit
    for url in ["/evaluation/", f"/evaluation/rounds/{rnd.pk}/", f"/evaluation/rounds/{rnd.pk}/units/{unit.code}/",
                "/evaluation/?kind=special", f"/evaluation/rounds/{special.pk}/",
                f"/evaluation/rounds/{special.pk}/units/{special_unit.code}/", "/duties/drafts/",
                "/evaluation/proposals/", "/api/v1/evaluation/rounds", f"/api/v1/evaluation/rounds/{rnd.pk}/results",
                f"/api/v1/evaluation/rounds/{rnd.pk}/units/{unit.code}"]:
        with django_assert_max_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/evaluation/rounds/{rnd.pk}/units/{unit.code}/").content.decode()
    assert "得分说明" in page and unit.name in page
    pdf = client.get(f"/evaluation/rounds/{rnd.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A staff member of one department sees published results but cannot act on a round.
    staff = Client()
    staff.force_login(User.objects.get(username="staff"))
    assert staff.get(f"/evaluation/rounds/{rnd.pk}/").status_code == 200
    staff.post(f"/evaluation/rounds/{rnd.pk}/act/", {"step": "supersede", "reason": "x"})
    assert Round.objects.get(pk=rnd.pk).status == RoundStatus.PUBLISHED
