"""The reason evaluation writes on the duty change it drafts from an accepted proposal (绩效评估校准建议：…)
reads in the UI's language: stored in Chinese with a message whose summary and suggestion are kept in both
languages (the deciding officer's reason as written), rendered on the duties drafts page and in the drafts
API; a change a user proposed shows its reason as written."""

from __future__ import annotations

import pytest

from zeren.duties.actions import do_propose_change
from zeren.duties.models import DraftChange
from zeren.duties.tests.factories import content, load
from zeren.evaluation.actions import DutyDraft, do_decide_proposal, do_generate_proposals
from zeren.evaluation.models import Proposal
from zeren.evaluation.tests.test_proposals import two_rounds  # noqa: F401 (a fixture)
from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


def shown(client, language: str) -> tuple[str, dict[int, str]]:
    client.cookies["django_language"] = language
    api = client.get("/api/v1/duties/drafts?limit=50").json()["items"]
    return client.get("/duties/drafts/").content.decode(), {row["id"]: row["reason"] for row in api}


def test_a_duty_change_drafted_from_a_proposal_shows_its_reason_in_the_readers_language(client, two_rounds):  # noqa: F811
    tree, (_first, second) = two_rounds
    do_generate_proposals(actor=None, rnd=second)
    load([content("ZJ-1", "建筑工程施工许可", ["SZ-ZJ"], category="行政确认", basis="《中华人民共和国建筑法》第七条")])
    duty = Proposal.objects.get(kind="duty_review")
    officer = make_user("perf", "performance_officer", tree["city"])
    do_decide_proposal(actor=officer, proposal=duty, accept=True, reason="连续低分",
                       duty=DutyDraft(item_code="ZJ-1", add_matter="质量责任：按季度自查整改"))
    change = DraftChange.objects.get()
    assert change.reason == f"绩效评估校准建议：{duty.summary}。{duty.suggestion}（采纳理由：连续低分）"  # as before
    assert change.reason_key == "evaluation.calibration_change"
    typed = do_propose_change(actor=None, kind="amend", item_code="ZJ-1", append={"responsibility_matters": ["x"]},
                              reason="编办自行提出：补充责任事项")
    client.force_login(make_user("bianban", "establishment_officer", tree["city"]))
    html, api = shown(client, "en")
    english = "Performance evaluation calibration proposal: "
    assert api[change.pk].startswith(english) and api[change.pk].endswith("(accepted because: 连续低分)")
    assert "绩效评估校准建议" not in api[change.pk] and duty.summary not in api[change.pk]
    assert english in html and "绩效评估校准建议" not in html
    assert api[typed.pk] == "编办自行提出：补充责任事项" and "编办自行提出" in html
    html, api = shown(client, "zh-hans")
    assert api[change.pk] == change.reason and change.reason in html
