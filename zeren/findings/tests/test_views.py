import pytest
from django.utils import timezone

from zeren.findings.actions import do_raise_finding
from zeren.findings.models import Finding
from zeren.org.testing import make_small_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_small_tree()


def raise_one(unit, cause, case_id, source_app="supervision"):
    do_raise_finding(actor=None, dedupe_key=f"{source_app}:{cause}:{case_id}", cause=cause, source_app=source_app,
                     title=f"{case_id}", unit=unit, evidence_type="supervision.approvalcase", evidence_id=case_id,
                     evidence_url=f"/supervision/cases/{case_id}/")


def test_list_shows_labels_not_codes(client, tree, django_assert_max_num_queries):
    raise_one(tree["market"], "step_overtime", "SZ-1")
    raise_one(tree["market"], "red_card", "SZ-2")
    raise_one(tree["market"], "targets.overdue", "T-1", source_app="targets")
    # A finding of a producer since removed (no causes.py declares it any more): stored as it was.
    Finding.objects.create(dedupe_key="old:missed_milestone:1", cause="missed_milestone", source_app="old",
                           title="T-2", unit=tree["market"], evidence_type="old.milestone", evidence_id="1",
                           raised_at=timezone.now())
    raise_one(tree["market"], "duties_orphan", "D-1", source_app="duties")
    client.force_login(make_user("officer", "supervision_officer", tree["city"]))
    with django_assert_max_num_queries(10):
        html = client.get("/findings/").content.decode()
    assert ">环节超时<" in html and ">红牌（超法定时限）<" in html and ">step_overtime<" not in html
    assert ">目标逾期未完成<" in html
    assert ">missed_milestone<" in html  # a cause nobody declares any more falls back to its code
    assert ">无人负责<" in html
    assert ">办件 SZ-1</a>" in html and "supervision.approvalcase" not in html
    assert '<option value="step_overtime">环节超时</option>' in html
    filtered = client.get("/findings/?cause=red_card").content.decode()
    assert "SZ-2" in filtered and "SZ-1" not in filtered


def test_list_in_english(client, tree):
    raise_one(tree["market"], "step_overtime", "SZ-1")
    client.force_login(make_user("officer", "supervision_officer", tree["city"]))
    client.cookies["django_language"] = "en"
    html = client.get("/findings/").content.decode()
    assert ">Step overtime<" in html and ">Case SZ-1</a>" in html
