from datetime import date

import pytest
from django.utils import timezone

from zeren.org.testing import make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_scan
from zeren.supervision.models import Alert
from zeren.supervision.tests.conftest import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(items):
    today = timezone.localdate()
    do_ingest_events(source=cli_source(), events=[
        event("a1", "A", "received", "2026-09-21T09:00:00+08:00"),
        event("b1", "B", "received", "2026-09-21T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ"),
        event("b2", "B", "decided", "2026-09-25T09:00:00+08:00", item="ZJ-001", unit="SZ-ZJ", outcome="approved"),
    ])
    do_scan(as_of=max(today, date(2026, 11, 30)))


def test_officer_board_and_case_timeline(client, tree, data, django_assert_max_num_queries):
    officer = make_user("o", "supervision_officer", tree["city"])
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        page = client.get("/supervision/")
    html = page.content.decode()
    assert page.status_code == 200 and "红牌" in html and 'href="/supervision/cases/A/"' in html
    case = client.get("/supervision/cases/A/").content.decode()
    assert "企业设立登记" in case and "受理" in case


def test_department_sees_only_its_own(client, tree, data):
    staff = make_user("s", "staff", tree["housing"])
    client.force_login(staff)
    assert 'href="/supervision/cases/A/"' not in client.get("/supervision/").content.decode()
    assert client.get("/supervision/cases/A/").status_code == 404
    alert = Alert.objects.filter(case__case_id="A").first()
    assert client.post(f"/supervision/alerts/{alert.pk}/move/", {"status": "acknowledged"}).status_code == 404


def test_staff_acknowledges_through_the_page(client, tree, data):
    staff = make_user("s", "staff", tree["market"])
    client.force_login(staff)
    alert = Alert.objects.get(case__case_id="A", type="red_card")
    client.post(f"/supervision/alerts/{alert.pk}/move/", {"status": "acknowledged"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_public_page_is_anonymous_and_aggregate_only(client, tree, data):
    page = client.get("/supervision/public/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "深圳市住房和建设局" in html and "100.0%" in html
    assert "/supervision/cases/" not in html and ">A<" not in html
