"""Reasons the producers write when a finding follows its source read in the UI's language: an alert
closed on the board (红牌…已办结（已纠正）：…), a card the scan clears (电子监察扫描…不再成立…) and a duty
finding the analysis no longer finds (职责分析：问题已消除) are stored in Chinese with a message, and the
finding page and the findings API render them in English or Chinese. The alert's type and status are
stored as codes and labelled when shown; the officer's note stays as written."""

from datetime import date

import pytest

from zeren.duties.actions import do_record_findings
from zeren.duties.analysis import analyse
from zeren.duties.tests.factories import content, load
from zeren.findings.models import Finding
from zeren.findings.tests.test_follow import RESUMED, SUSPENDED, late_case  # noqa: F401 (a fixture)
from zeren.org.testing import make_small_tree, make_user
from zeren.supervision.actions import cli_source, do_ingest_events, do_move_alert, do_scan
from zeren.supervision.models import Alert

pytestmark = pytest.mark.django_db


def shown(client, finding: Finding, language: str) -> tuple[str, str]:
    client.cookies["django_language"] = language
    return (client.get(f"/accountability/findings/{finding.pk}/").content.decode(),
            client.get(f"/api/v1/findings/{finding.pk}").json()["status_reason"])


def test_a_red_card_closed_on_the_board_gives_its_finding_a_reason_in_the_readers_language(client, late_case):  # noqa: F811
    officer = make_user("o", "supervision_officer", late_case["city"])
    staff = make_user("s", "staff", late_case["market"])
    do_scan(as_of=date(2026, 10, 27))
    red = Alert.objects.get(case__case_id="A", type="red_card")
    do_move_alert(actor=staff, alert=red, status="acknowledged")
    do_move_alert(actor=staff, alert=red, status="corrected", note="已补办")
    do_move_alert(actor=officer, alert=red, status="closed")
    finding = Finding.objects.get(cause="red_card")
    assert finding.status_reason == "红牌（超法定时限）已办结（已纠正）：已补办"  # stored as before, in Chinese
    client.force_login(officer)
    html, api = shown(client, finding, "en")
    assert api == "Red card (past the statutory limit): Closed (Corrected): 已补办", api
    assert api in html and "已办结" not in html
    assert shown(client, finding, "zh-hans")[1] == "红牌（超法定时限）已办结（已纠正）：已补办"


def test_a_card_the_scan_clears_gives_its_finding_a_reason_in_the_readers_language(client, late_case):  # noqa: F811
    officer = make_user("o", "supervision_officer", late_case["city"])
    do_scan(as_of=date(2026, 10, 27))
    do_ingest_events(source=cli_source(), events=[SUSPENDED, RESUMED])
    do_scan(as_of=date(2026, 10, 28))
    finding = Finding.objects.get(cause="red_card")
    assert finding.status_reason == "电子监察扫描（2026-10-28）：红牌（超法定时限）不再成立，预警已由扫描消除"
    client.force_login(officer)
    html, api = shown(client, finding, "en")
    english = ("Electronic supervision scan (2026-10-28): Red card (past the statutory limit) no longer holds; "
               "the alert was cleared by the scan")
    assert api == english and english in html and "电子监察扫描" not in html
    assert shown(client, finding, "zh-hans")[1] == finding.status_reason


def test_a_duty_finding_the_analysis_no_longer_finds_gives_a_reason_in_the_readers_language(client):
    tree = make_small_tree()
    first = [content("DUP-1", "建筑工程施工许可", ["SZ-ZJ"], basis="《中华人民共和国建筑法》第七条"),
             content("DUP-2", "建筑工程施工许可证核发", ["SZ-SCJG"], basis="《中华人民共和国建筑法》第八条")]
    load(first, "首批", date(2026, 1, 1))
    do_record_findings(actor=None, report=analyse())
    assert Finding.objects.filter(source_app="duties", status="open").exists()
    load([content("DUP-1", "建筑工程施工许可", ["SZ-ZJ"], basis="《中华人民共和国建筑法》第七条"),
          content("DUP-2", "食品经营许可", ["SZ-SCJG"], basis="《中华人民共和国食品安全法》第三十五条")],
         "第二批", date(2026, 6, 1))
    do_record_findings(actor=None, report=analyse())
    finding = Finding.objects.filter(source_app="duties", status="resolved").first()
    assert finding is not None and finding.status_reason == "职责分析：问题已消除"
    client.force_login(make_user("o", "supervision_officer", tree["city"]))
    html, api = shown(client, finding, "en")
    assert api == "Duty analysis: the problem is gone" and api in html
    assert shown(client, finding, "zh-hans")[1] == "职责分析：问题已消除"
