"""The board and the case page as each role sees them (counts, ages, who may move an alert)."""

from datetime import date

import pytest
from django.utils import timezone

from zeren.org.testing import make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_scan
from zeren.supervision.tests.conftest import event
from zeren.workcal.selectors import get_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(items):
    """Case A: received long ago, undecided (a red card today). Case Y: its 20-day statutory
    deadline is one working day after today (a yellow card)."""
    cal = get_calendar()
    # The last working day on or before today (on a weekend the yellow card's arithmetic is off by one).
    today = cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)
    received = cal.add_workdays(today, 1 - 20)
    do_ingest_events(source=cli_source(), events=[
        event("a1", "A", "received", "2026-09-21T09:00:00+08:00"),
        event("y1", "Y", "received", f"{received.isoformat()}T09:00:00+08:00"),
    ])
    do_scan(as_of=today)
    return today


def test_counts_are_stat_numbers_and_ages_in_working_days(client, tree, data):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html = client.get("/supervision/").content.decode()
    assert '<div class="stat bad">1</div>' in html  # the red card, as big as the others
    assert '<div class="stat warn">1</div>' in html  # the yellow card
    late = get_calendar().workdays_between(date(2026, 10, 26), data)  # A: 20 working days from 21 Sep
    assert f"{'超期'} {late}" in html
    yellow = client.get("/supervision/?type=yellow_card").content.decode()
    assert 'href="/supervision/cases/Y/"' in yellow and "剩余 1" in yellow


def test_only_the_department_is_offered_acknowledge(client, tree, data):
    officer = make_user("o", "supervision_officer", tree["city"])
    client.force_login(officer)
    html = client.get("/supervision/cases/A/").content.decode()
    assert 'value="acknowledged"' not in html and "等待办理单位签收" in html
    client.force_login(make_user("s", "staff", tree["market"]))
    html = client.get("/supervision/cases/A/").content.decode()
    assert 'value="acknowledged"' in html


def test_board_in_english(client, tree, data):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/").content.decode()
    assert "Red cards by working days overdue" in html and " late</span>" in html


@pytest.fixture
def late(items):
    """Case L decided 4 working days after its statutory deadline, long ago (its red card unsigned
    since); case Z still undecided 15 working days past its deadline; case F decided on time."""
    cal = get_calendar()
    today = cal.add_workdays(cal.add_workdays(timezone.localdate(), 1), -1)
    at = lambda day: f"{day.isoformat()}T09:00:00+08:00"  # noqa: E731
    received_l, received_z, received_f = (cal.add_workdays(today, -n) for n in (80, 30, 40))
    do_ingest_events(source=cli_source(), events=[
        event("l1", "L", "received", at(received_l)),
        event("l2", "L", "decided", at(cal.add_workdays(received_l, 24)), outcome="approved"),
        event("z1", "Z", "received", at(received_z), item="ZJ-001", unit="SZ-ZJ"),
        event("f1", "F", "received", at(received_f), item="FT-001", unit="SZ-FT-SCJG"),
        event("f2", "F", "decided", at(cal.add_workdays(received_f, 5)), item="FT-001", unit="SZ-FT-SCJG",
              outcome="approved"),
    ])
    do_scan(as_of=today)
    return today


def _row(html: str, case_id: str) -> str:
    return html.split(f'href="/supervision/cases/{case_id}/"', 1)[1].split("</tr>", 1)[0]


def _stats_rows(html: str) -> list[str]:
    """The unit (or item) names of the on-time table, in order."""
    import re

    table = html.split('<table class="list stats">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><td><a href="[^"]*"[^>]*>([^<]+)</a>', table)


def test_lateness_is_deadline_to_decision_and_unhandled_time_apart(client, tree, late):
    """A case decided 4 working days late shows 超期 4 and, apart, how long its alert has waited to be
    signed for (56 working days); the buckets count it as 4–10 days late, not > 30."""
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html = client.get("/supervision/").content.decode()
    cal = get_calendar()
    decided = cal.add_workdays(cal.add_workdays(late, -80), 24)
    row = _row(html, "L")
    assert "超期 4<" in row and decided.isoformat() in row
    assert f'<span class="unhandled">{cal.workdays_between(decided, late)}</span>' in row
    assert "超期 15<" in _row(html, "Z") and "未办结" in _row(html, "Z")
    buckets = {label: html.split(f"超期 {label} 个工作日</div>", 1)[1].split("</div>", 1)[0][-1]
               for label in ("0–3", "4–10", "11–30", "&gt;30")}
    assert buckets == {"0–3": "0", "4–10": "1", "11–30": "1", "&gt;30": "0"}


def test_unit_filter_narrows_the_on_time_table_and_columns_sort(client, tree, late):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    everyone = _stats_rows(client.get("/supervision/").content.decode())
    assert everyone == ["福田区市场监督管理局", "深圳市市场监督管理局", "深圳市住房和建设局"]  # by code
    html = client.get("/supervision/?unit=SZ-ZJ").content.decode()
    assert _stats_rows(html) == ["深圳市住房和建设局"]
    assert '<option value="SZ-ZJ" selected>' in html
    assert _stats_rows(client.get("/supervision/?unit=SZ-FT").content.decode()) == ["福田区市场监督管理局"]
    # F 100 %, L 0 %, Z has no decided case: last whichever way
    best = client.get("/supervision/?sort=-on_time_statutory").content.decode()
    assert _stats_rows(best) == ["福田区市场监督管理局", "深圳市市场监督管理局", "深圳市住房和建设局"]
    assert 'aria-sort="descending"' in best and "sort=on_time_statutory" in best  # the header flips it
    worst = client.get("/supervision/?sort=on_time_statutory").content.decode()
    assert _stats_rows(worst) == ["深圳市市场监督管理局", "福田区市场监督管理局", "深圳市住房和建设局"]
    # Names in pinyin order, here turned round: shen zhen shi zhu…, shen zhen shi shi…, fu tian…
    assert _stats_rows(client.get("/supervision/?sort=-name").content.decode()) == [
        "深圳市住房和建设局", "深圳市市场监督管理局", "福田区市场监督管理局"]


def test_item_page_shows_limits_rate_and_its_duty_item(client, tree, late, items):
    from zeren.duties.tests.factories import content, load

    load([content("SZ-SCJG-0001", "企业设立登记", ["SZ-SCJG"])])
    items["reg"].duty_code = "SZ-SCJG-0001"
    items["reg"].save()
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html = client.get("/supervision/items/SCJG-001/").content.decode()
    assert ">20</div>" in html and ">10</div>" in html  # 法定 / 承诺时限
    assert "0.0%" in html  # L, the one decided case, was late
    assert 'href="/duties/items/SZ-SCJG-0001/"' in html
    assert client.get("/duties/items/SZ-SCJG-0001/").status_code == 200
    assert 'href="/supervision/items/SCJG-001/"' in client.get("/supervision/cases/L/").content.decode()
    listing = client.get("/supervision/items/?sort=on_time_statutory").content.decode()
    assert _stats_rows(listing) == ["企业设立登记", "食品经营许可", "建筑工程施工许可"]
    client.force_login(make_user("s", "staff", tree["housing"]))
    assert client.get("/supervision/items/SCJG-001/").status_code == 404
    assert "企业设立登记" not in client.get("/supervision/items/").content.decode()


def test_charts_label_every_unit_and_their_axes(client, tree, late):
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html = client.get("/supervision/").content.decode()
    assert 'axisLabel: {interval: 0' in html and '"受理月份"' in html and '"受理（件）"' in html
    assert '"超法定期限办结（件）"' in html
