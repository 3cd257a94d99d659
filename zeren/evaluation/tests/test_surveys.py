"""Satisfaction surveys: quotas that close, one-time tokens, the index with its interval, the phone form."""

from __future__ import annotations

import os

import pytest

from zeren.evaluation.actions import (
    ImportRejected,
    SurveyRefused,
    do_create_survey,
    do_issue_invitations,
    do_record_responses,
    do_submit_response,
)
from zeren.evaluation.indicators import satisfaction_index
from zeren.evaluation.models import Quota, Response
from zeren.evaluation.selectors import survey_results
from zeren.org.testing import make_small_tree

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "likert", "text": "总体满意程度"},
    {"kind": "likert", "text": "办事效率"},
    {"kind": "single", "text": "办事方式", "choices": ["窗口", "网上"]},
    {"kind": "multiple", "text": "需改进", "choices": ["时限", "材料", "态度"], "required": False},
    {"kind": "text", "text": "意见", "required": False},
]


@pytest.fixture
def survey():
    tree = make_small_tree()
    s = do_create_survey(actor=None, code="SAT", title="满意度调查", questions=QUESTIONS, quotas={"SZ-FT": 2})
    return s, tree["district"]


def answers(survey, a, b, how="网上"):
    q = list(survey.questions.order_by("order"))
    return {str(q[0].pk): a, str(q[1].pk): b, str(q[2].pk): how, str(q[3].pk): ["时限"]}


def test_used_token_and_full_quota_are_refused_and_not_counted(survey):
    s, district = survey
    t1, t2, t3 = do_issue_invitations(actor=None, survey=s, district=district, count=3)
    r = do_submit_response(survey=s, token=t1, answers=answers(s, 5, 4))
    assert r.satisfaction == pytest.approx((4.5 - 1) / 4 * 100)
    with pytest.raises(SurveyRefused, match="已使用过"):
        do_submit_response(survey=s, token=t1, answers=answers(s, 1, 1))
    with pytest.raises(SurveyRefused, match="邀请码无效"):
        do_submit_response(survey=s, token="forged", answers=answers(s, 1, 1))
    with pytest.raises(SurveyRefused, match="第3题的选项无效"):
        do_submit_response(survey=s, token=t2, answers=answers(s, 3, 3, how="电话"))
    do_submit_response(survey=s, token=t2, answers=answers(s, 3, 3))
    with pytest.raises(SurveyRefused, match="配额已满"):
        do_submit_response(survey=s, token=t3, answers=answers(s, 2, 2))
    assert Response.objects.count() == 2 and Quota.objects.get().filled == 2
    [row] = survey_results(s)
    assert row["responses"] == 2 and row["full"] and row["index"] == pytest.approx((87.5 + 50) / 2)
    assert row["low"] < row["index"] < row["high"]
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    value, n = satisfaction_index(["SZ-FT"], today - timedelta(days=1), today + timedelta(days=1))["SZ-FT"]
    assert value == pytest.approx(68.75) and n == 2


def test_offline_batch_is_all_or_nothing(survey):
    s, district = survey
    t1, t2 = do_issue_invitations(actor=None, survey=s, district=district, count=2)
    with pytest.raises(ImportRejected) as exc:
        do_record_responses(actor=None, survey=s, submissions=[(t1, answers(s, 5, 5)), (t1, answers(s, 4, 4)),
                                                                ("nope", answers(s, 4, 4))], file="paper")
    assert exc.value.errors == ["paper: row 2: the invitation token is unknown or used already",
                                "paper: row 3: the invitation token is unknown or used already"]
    assert Response.objects.count() == 0
    assert do_record_responses(actor=None, survey=s, submissions=[(t1, answers(s, 5, 5)), (t2, answers(s, 4, 4))]) == 2
    assert Quota.objects.get().filled == 2


@pytest.mark.browser
def test_phone_form_submits_once_and_refuses_the_same_token_again(survey, browser, live_server):
    s, district = survey
    [token] = do_issue_invitations(actor=None, survey=s, district=district, count=1)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    url = f"{live_server.url}/evaluation/s/SAT/?token={token}"

    def fill_and_send():
        page.goto(url)
        page.check("input[value='5'] >> nth=0")
        page.check("input[value='4'] >> nth=1")
        page.check("input[value='网上']")
        page.check("input[value='时限']")
        page.click("button[type=submit]")

    fill_and_send()
    assert "提交成功" in page.inner_text("main")
    fill_and_send()
    alert = page.inner_text("[role=alert]")
    assert "已使用过" in alert
    shots = os.environ.get("ZEREN_SCREENSHOTS")
    if shots:
        page.screenshot(path=os.path.join(shots, "evaluation-survey-refused.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    assert Response.objects.count() == 1
    context.close()
