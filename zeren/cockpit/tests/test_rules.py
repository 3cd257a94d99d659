"""The cockpit's pure rules: roll-up to the viewed unit's children, the breaking-chain ranking, working
days left, the merged queue page, escalation."""

from datetime import date

from zeren.cockpit import rules
from zeren.core.boards import Chart, Series, ancestor_paths, child_path, code_of
from zeren.workdays import WorkCalendar


def test_child_path_and_roll_up_to_the_viewed_units_children():
    assert child_path("/SZ/", "/SZ/SZ-FT/SZ-FT-SCJG/") == "/SZ/SZ-FT/"
    assert child_path("/SZ/", "/SZ/SZ-FT/") == "/SZ/SZ-FT/"
    assert child_path("/SZ/", "/SZ/") == "/SZ/"
    assert child_path("/SZ/SZ-FT/", "/SZ/SZ-LH/") is None
    assert code_of("/SZ/SZ-FT/") == "SZ-FT" and ancestor_paths("/SZ/SZ-FT/") == ["/SZ/", "/SZ/SZ-FT/"]
    paths = {"SZ-FT-SCJG": "/SZ/SZ-FT/SZ-FT-SCJG/", "SZ-FT": "/SZ/SZ-FT/", "SZ": "/SZ/", "SZ-LH": "/SZ/SZ-LH/"}
    rolled = rules.roll_up({"SZ-FT-SCJG": 3, "SZ-FT": 1, "SZ": 2, "SZ-LH": 0, "GONE": 5}, paths, "/SZ/")
    assert rolled == {"/SZ/SZ-FT/": 4, "/SZ/": 2}  # no zeroes, nothing unknown


def test_units_on_more_elements_rank_before_units_with_more_problems_of_one_kind():
    by_element = {
        "targets": {"/A/": 100, "/B/": 1, "/C/": 2},
        "supervision": {"/B/": 1, "/C/": 1},
        "accountability": {"/B/": 1},
    }
    ranked = rules.breaking_units(by_element, ["duties", "targets", "supervision", "accountability"])
    assert [(b.path, b.count, b.total) for b in ranked] == [("/B/", 3, 3), ("/C/", 2, 3), ("/A/", 1, 100)]
    assert ranked[0].elements == ("targets", "supervision", "accountability")  # along the chain
    assert len(rules.breaking_units({"x": {f"/{i}/": 1 for i in range(30)}}, ["x"], top=5)) == 5


def test_working_days_left_count_the_calendar_and_go_negative_when_past():
    cal = WorkCalendar.china()
    friday = date(2026, 11, 27)
    assert rules.workdays_left(cal, friday, friday) == 0
    assert rules.workdays_left(cal, friday, date(2026, 11, 30)) == 1  # the weekend does not count
    assert rules.workdays_left(cal, date(2026, 11, 30), friday) == -1
    assert rules.workdays_left(cal, friday, None) is None
    # the National Day holiday (2026-10-01…07) is not working days either
    assert rules.workdays_left(cal, date(2026, 9, 30), date(2026, 10, 9)) == cal.workdays_between(date(2026, 9, 30),
                                                                                                  date(2026, 10, 9))
    assert [rules.urgency(n) for n in (-1, 0, 3, 4, None)] == ["bad", "warn", "warn", "", ""]


def test_the_merged_page_is_the_slice_of_the_merge_of_sorted_sources():
    a = [rules.due_key(date(2026, 1, d), 0, d) for d in (1, 4, 9)] + [rules.due_key(None, 0, 99)]
    b = [rules.due_key(date(2026, 1, d), 1, d) for d in (2, 3, 10)]
    everything = sorted(a + b)
    assert rules.merged_page([a, b], key=lambda k: k, offset=0, limit=3) == everything[:3]
    assert rules.merged_page([a, b], key=lambda k: k, offset=3, limit=3) == everything[3:6]
    assert rules.merged_page([a, b], key=lambda k: k, offset=6, limit=3) == everything[6:]
    assert everything[-1][1] == date.max  # no deadline: last
    closed = sorted([rules.done_key(date(2026, 1, 2), 0, 1), rules.done_key(None, 0, 2), rules.done_key(date(2026, 1, 5), 0, 3)])
    assert [k[3] for k in closed] == ["3", "1", "2"]  # most recent first, undated last


def test_escalation_goes_to_the_nearest_government_and_needs_an_overdue_or_ignored_item():
    assert rules.escalation_unit([("department", "SZ-FT-SCJG"), ("government", "SZ-FT"), ("government", "SZ")]) == 1
    assert rules.escalation_unit([("division", "X"), ("department", "Y")]) == 0  # no government above: the parent
    assert rules.escalation_unit([]) is None
    assert rules.may_escalate(-1, 0) and not rules.may_escalate(0, 3) and not rules.may_escalate(5, 1)
    assert rules.may_escalate(None, 1) and not rules.may_escalate(None, 0)


def test_a_chart_reads_as_a_table():
    chart = Chart("t", "hbar", ["甲", "乙"], [Series("a", [1, 2]), Series("b", [3])], links=["/x/"])
    assert chart.rows == [("甲", "/x/", [1, 3]), ("乙", "", [2, None])]
