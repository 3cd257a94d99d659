"""The demo's evaluation, end to end: every unit's contributions add up, pages, PDF and API answer."""

import pytest
from django.test import Client

from zeren.access.models import User
from zeren.evaluation.models import Proposal, Result, Round, RoundStatus
from zeren.findings.models import Finding
from zeren.org.testing import run_command

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_rounds_explain_every_score_and_pages_answer(django_assert_max_num_queries):
    code, out = run_command("demo", "--size", "small", "--no-serve", "--today", "2026-11-27")
    assert code in (0, None), out
    rounds = list(Round.objects.order_by("pk"))
    assert len(rounds) == 4 and {r.pilot for r in rounds} == {True, False}
    assert all(r.status == RoundStatus.PUBLISHED for r in rounds)
    results = list(Result.objects.all())
    assert len(results) >= 10
    for r in results:  # the acceptance check: contributions add up to the composite, on every demo unit
        assert sum(d["contribution"] for d in r.details) == pytest.approx(r.score, abs=1e-9)
        assert -1e-9 <= r.score <= 100 + 1e-9 and r.rank >= 1
    assert Finding.objects.filter(source_app="evaluation", cause="evaluation.low_score").exists()
    assert Proposal.objects.exists() and Proposal.objects.exclude(status="open").exists()

    client = Client()
    client.force_login(User.objects.get(username="perf"))
    rnd = rounds[-1]
    unit = rnd.results.order_by("rank").first().unit
    for url in ["/evaluation/", f"/evaluation/rounds/{rnd.pk}/", f"/evaluation/rounds/{rnd.pk}/units/{unit.code}/",
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
