"""The status rules against hand-worked values on the real China calendar.

Calendar facts used (State Council schedules, checked day by day in zeren.workdays):

- Spring Festival 2026: 15–23 February off (Sun–Mon); Saturday 14 February and Saturday 28 February
  are adjusted working days (调休上班).
- National Day 2025 (with Mid-Autumn): 1–8 October off; Sunday 28 September and Saturday 11 October are
  adjusted working days.
"""

from __future__ import annotations

from datetime import date

import pytest

from zeren.targets import rules
from zeren.targets.rules import Facts, MilestoneFacts
from zeren.workdays import WorkCalendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.china()


def status_of(facts: Facts, as_of: date, cal: WorkCalendar) -> rules.Status:
    return rules.evaluate([facts], as_of, cal)[facts.id]


def spring(values=(), milestones=()) -> Facts:
    """Quantitative 0 → 100 from Tue 10 Feb 2026 to Tue 3 Mar 2026, across the Spring Festival.

    Working days in (10 Feb, 3 Mar]: 11, 12, 13, 14 (Sat, 调休) Feb = 4; 24–28 Feb (28 is a Saturday,
    调休) = 5; 2, 3 Mar = 2 — 11 in all (calendar days: 21)."""
    return Facts(id=1, parent_id=None, weight=100, start=date(2026, 2, 10), deadline=date(2026, 3, 3),
                 quantitative=True, baseline=0, target=100, values=list(values), milestones=list(milestones))


def test_expected_across_spring_festival_counts_working_days(cal):
    """As of Mon 23 Feb 2026, the last holiday: 4 working days of 11 are past, e = 4/11 (not 13/21 by
    calendar days); 24 Feb–3 Mar leave 7 working days."""
    s = status_of(spring(), date(2026, 2, 23), cal)
    assert s.expected == pytest.approx(4 / 11)
    assert s.working_days_left == 7
    assert s.status == rules.AT_RISK  # nothing reported and e ≥ 0.2


def test_progress_behind_expected_after_spring_festival_is_at_risk(cal):
    """Value 10 of 100 reported on 13 Feb: p = 0.1. On 13 Feb e = 3/11 = 0.273, p ≥ e − 0.2 = 0.073: on
    track. On 23 Feb e = 4/11 = 0.364, p < 0.164: at risk."""
    facts = spring(values=[(date(2026, 2, 13), 10.0)])
    on_13 = status_of(facts, date(2026, 2, 13), cal)
    assert (on_13.status, on_13.progress, on_13.expected) == (rules.ON_TRACK, pytest.approx(0.1), pytest.approx(3 / 11))
    assert status_of(facts, date(2026, 2, 23), cal).status == rules.AT_RISK


def test_quantitative_milestone_after_spring_festival(cal):
    """Milestone due Tue 24 Feb 2026 expecting 40. Reported 40 on 24 Feb: as of Wed 25 Feb e = 6/11 =
    0.545, p = 0.4 ≥ 0.345 and the milestone is met → on track. Had 39 been reported, p = 0.39 is still
    ≥ 0.345, but the milestone due before 25 Feb is not met → at risk (on 24 Feb itself: on track)."""
    milestone = MilestoneFacts(due=date(2026, 2, 24), expected=40)
    met = spring(values=[(date(2026, 2, 13), 10.0), (date(2026, 2, 24), 40.0)], milestones=[milestone])
    s = status_of(met, date(2026, 2, 25), cal)
    assert (s.status, s.expected, s.working_days_left) == (rules.ON_TRACK, pytest.approx(6 / 11), 5)
    # On its due date a milestone is not yet "due before D".
    short = spring(values=[(date(2026, 2, 13), 10.0), (date(2026, 2, 24), 39.0)], milestones=[milestone])
    assert status_of(short, date(2026, 2, 24), cal).status == rules.ON_TRACK
    assert status_of(short, date(2026, 2, 25), cal).status == rules.AT_RISK


def national_day(done=()) -> Facts:
    """Qualitative, Thu 25 Sep → Tue 14 Oct 2025, across National Day; three milestones due 30 Sep,
    Sat 11 Oct (调休 working day) and 14 Oct. Working days in (25 Sep, 14 Oct]: 26, 28 (Sun, 调休),
    29, 30 Sep = 4; 9, 10, 11 (Sat, 调休), 13, 14 Oct = 5 — 9 in all."""
    dues = [date(2025, 9, 30), date(2025, 10, 11), date(2025, 10, 14)]
    return Facts(id=2, parent_id=None, weight=100, start=date(2025, 9, 25), deadline=date(2025, 10, 14),
                 quantitative=False, milestones=[MilestoneFacts(due=d, done_on=o) for d, o in zip(dues, done, strict=False)]
                 + [MilestoneFacts(due=d) for d in dues[len(done):]])


def test_qualitative_across_national_day(cal):
    """M1 done on 29 Sep. As of Wed 8 Oct (last holiday): e = 4/9 = 0.444, p = 1/3 ≥ 0.244 → on track,
    5 working days left. As of Sun 12 Oct: e = 7/9 = 0.778, p = 1/3 < 0.578, and M2 (due Sat 11 Oct)
    is not met → at risk, 2 working days left (13, 14 Oct). As of 15 Oct: overdue, 0 left."""
    facts = national_day(done=[date(2025, 9, 29)])
    s = status_of(facts, date(2025, 10, 8), cal)
    assert (s.status, s.progress, s.expected, s.working_days_left) == (
        rules.ON_TRACK, pytest.approx(1 / 3), pytest.approx(4 / 9), 5)
    s = status_of(facts, date(2025, 10, 12), cal)
    assert (s.status, s.expected, s.working_days_left) == (rules.AT_RISK, pytest.approx(7 / 9), 2)
    s = status_of(facts, date(2025, 10, 15), cal)
    assert (s.status, s.working_days_left) == (rules.OVERDUE, 0)


def test_all_milestones_done_is_completed_even_past_the_deadline(cal):
    """M1 on 29 Sep, M2 and M3 on 14 Oct: as of 15 Oct p = 1 → completed (not overdue)."""
    facts = national_day(done=[date(2025, 9, 29), date(2025, 10, 14), date(2025, 10, 14)])
    assert status_of(facts, date(2025, 10, 15), cal).status == rules.COMPLETED
    # …but as of 13 Oct only M1 was done: M2 due on the 11th is missed.
    assert status_of(facts, date(2025, 10, 13), cal).status == rules.AT_RISK


def test_not_started_before_expected_reaches_a_fifth(cal):
    """As of Thu 12 Feb 2026, 2 of 11 working days are past: e = 0.18 < 0.2 and nothing reported →
    not started; the next working day (13 Feb, e = 3/11) it is at risk."""
    assert status_of(spring(), date(2026, 2, 12), cal).status == rules.NOT_STARTED
    assert status_of(spring(), date(2026, 2, 13), cal).status == rules.AT_RISK


def test_expected_is_one_without_working_days_to_count(cal):
    """Deadline not after the start → e = 1; a span of only holidays (15 → 23 Feb 2026) too."""
    assert rules.expected_progress(cal, date(2026, 3, 2), date(2026, 3, 2), date(2026, 3, 1)) == 1.0
    assert rules.expected_progress(cal, date(2026, 2, 15), date(2026, 2, 23), date(2026, 2, 16)) == 1.0


def test_lower_is_better_progress_and_milestone():
    """Baseline 100, target 80 (lower is better): a value of 90 is half way; a milestone expecting 95
    is met by 90 and not by 97."""
    assert rules.quantitative_progress(90, 100, 80) == pytest.approx(0.5)
    assert rules.quantitative_progress(120, 100, 80) == 0.0
    milestone = MilestoneFacts(due=date(2026, 5, 1), expected=95)
    assert rules.milestone_met(milestone, date(2026, 6, 1), quantitative=True, value=90, lower_is_better=True)
    assert not rules.milestone_met(milestone, date(2026, 6, 1), quantitative=True, value=97, lower_is_better=True)


def test_parent_rolls_up_weighted_children_and_their_reports(cal):
    """Parent of two children weighted 30 and 20 (not 100: normalised), progress 0.5 and 1.0 →
    0.3·0.5/0.5 + … = (15 + 20) / 50 = 0.7. Reported because a child reported."""
    parent = Facts(id=10, parent_id=None, weight=100, start=date(2026, 1, 5), deadline=date(2026, 12, 31),
                   quantitative=True, baseline=0, target=100)
    a = Facts(id=11, parent_id=10, weight=30, start=date(2026, 1, 5), deadline=date(2026, 12, 31),
              quantitative=True, baseline=0, target=10, values=[(date(2026, 3, 1), 5.0)])
    b = Facts(id=12, parent_id=10, weight=20, start=date(2026, 1, 5), deadline=date(2026, 12, 31),
              quantitative=True, baseline=0, target=10, values=[(date(2026, 3, 1), 10.0)])
    result = rules.evaluate([parent, a, b], date(2026, 3, 2), cal)
    assert result[10].progress == pytest.approx(0.7)
    assert result[10].reported and result[12].status == rules.COMPLETED
    assert not rules.evaluate([parent, a, b], date(2026, 2, 27), cal)[10].reported


def test_progress_series_is_the_roll_up_of_evaluate_day_by_day(cal):
    """The chart's series: at each day, the progress evaluate gives — a parent of a quantitative child and
    a qualitative one (a milestone done of two), before, between and after the reports."""
    parent = Facts(id=10, parent_id=None, weight=100, start=date(2026, 1, 5), deadline=date(2026, 12, 31),
                   quantitative=False)
    a = Facts(id=11, parent_id=10, weight=30, start=date(2026, 1, 5), deadline=date(2026, 12, 31),
              quantitative=True, baseline=0, target=10, values=[(date(2026, 3, 1), 5.0), (date(2026, 5, 1), 8.0)])
    b = Facts(id=12, parent_id=10, weight=20, start=date(2026, 1, 5), deadline=date(2026, 12, 31), quantitative=False,
              milestones=[MilestoneFacts(due=date(2026, 4, 1), done_on=date(2026, 4, 10)),
                          MilestoneFacts(due=date(2026, 9, 1))])
    days = [date(2026, 2, 1), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    series = rules.progress_series([parent, a, b], days, 10)
    assert series == [rules.evaluate([parent, a, b], d, cal)[10].progress for d in days]
    assert series == pytest.approx([0, 0.3, 0.5, (30 * 0.8 + 20 * 0.5) / 50])

def test_cycles_and_consistency_helpers():
    assert rules.find_cycles({"A": "B", "B": "C", "C": "A", "D": None, "E": "D"}) == [["A", "B", "C"]]
    assert rules.find_cycles({"A": "A"}) == [["A"]]
    assert rules.additive_shortfall(100, [30, 50], lower_better=False) == 20
    assert rules.additive_shortfall(100, [60, 50], lower_better=False) == 0
    assert rules.weights_off([60, 30]) and not rules.weights_off([60, 40])


def test_excellent_quota_rounds_down():
    """15 % of 13 = 1.95 → 1; of 20 = 3; of 6 = 0.9 → 0; a 20 % setting on 13 → 2."""
    assert [rules.excellent_quota(n) for n in (13, 20, 6)] == [1, 3, 0]
    assert rules.excellent_quota(13, "0.2") == 2


def test_notice_due_is_five_working_days_across_national_day(cal):
    """Issued Tue 30 Sep 2025: the 5 working days after are 9, 10, 11 (Sat, 调休), 13, 14 Oct."""
    assert rules.notice_due(cal, date(2025, 9, 30)) == date(2025, 10, 14)


# --- proposed assessment grades (rules.propose_grade), worked by hand --------------------------

def outcome(weight: float, progress: float, on_time: bool | None = None) -> rules.TargetOutcome:
    done = progress >= 1.0
    return rules.TargetOutcome(weight, rules.COMPLETED if done else rules.OVERDUE, progress,
                               done if on_time is None else on_time)


@pytest.mark.parametrize(("criteria", "targets", "grade", "progress", "reasons"), [
    # every target completed by its deadline, both standards met → 优秀
    ([True, True], [outcome(60, 1.0), outcome(40, 1.0)], rules.EXCELLENT, 1.0, (rules.ALL_ON_TIME_ALL_MET,)),
    # all completed but the 60-weight one late: p = 1, not 优秀 → 称职
    ([True, True], [outcome(60, 1.0, on_time=False), outcome(40, 1.0)], rules.COMPETENT, 1.0, (rules.NOT_ALL_ON_TIME,)),
    # p = (60 × 0.9 + 40 × 0.6) / 100 = 0.78 < 0.8 → 基本称职
    ([True, True], [outcome(60, 0.9), outcome(40, 0.6)], rules.BASIC, 0.78,
     (rules.NOT_ALL_ON_TIME, rules.PROGRESS_BELOW_BASIC)),
    # p = (60 × 0.4 + 40 × 0.5) / 100 = 0.44 < 0.5, standards all met → only 基本称职
    ([True, True], [outcome(60, 0.4), outcome(40, 0.5)], rules.BASIC, 0.44,
     (rules.NOT_ALL_ON_TIME, rules.PROGRESS_BELOW_BASIC)),
    # the same p = 0.44 with one of two standards not met → 不称职
    ([True, False], [outcome(60, 0.4), outcome(40, 0.5)], rules.INCOMPETENT, 0.44,
     (rules.NOT_ALL_ON_TIME, rules.CRITERION_UNMET, rules.PROGRESS_BELOW_HALF_AND_UNMET)),
    # weights 30 / 10 normalise: p = (30 × 1 + 10 × 0.2) / 40 = 0.8, exactly the bar → 称职
    ([True, True], [outcome(30, 1.0), outcome(10, 0.2)], rules.COMPETENT, 0.8, (rules.NOT_ALL_ON_TIME,)),
    # one of three standards met (c = 1/3 < 0.5) with p = 0.9 → 基本称职; with p = 0.7 → 不称职
    ([True, False, False], [outcome(100, 0.9)], rules.BASIC, 0.9,
     (rules.NOT_ALL_ON_TIME, rules.CRITERION_UNMET, rules.CRITERIA_BELOW_HALF)),
    ([True, False, False], [outcome(100, 0.7)], rules.INCOMPETENT, 0.7,
     (rules.NOT_ALL_ON_TIME, rules.CRITERION_UNMET, rules.CRITERIA_BELOW_HALF_AND_PROGRESS)),
    # one of two met (c = 0.5, not below half), everything on time → 称职 (not 优秀)
    ([True, False], [outcome(100, 1.0)], rules.COMPETENT, 1.0, (rules.CRITERION_UNMET,)),
    # no targets, no position description: nothing to go on → 称职 (the committee decides)
    ([], [], rules.COMPETENT, None, (rules.NO_TARGETS, rules.NO_CRITERIA)),
    # no position description, every target on time → 称职: 优秀 needs the standards too
    ([], [outcome(100, 1.0)], rules.COMPETENT, 1.0, (rules.NO_CRITERIA,)),
    # no targets, one of three standards met → 基本称职 (p sets no bar, so not 不称职)
    ([False, False, True], [], rules.BASIC, None, (rules.NO_TARGETS, rules.CRITERION_UNMET, rules.CRITERIA_BELOW_HALF)),
])
def test_proposed_grade_by_hand(criteria, targets, grade, progress, reasons):
    proposal = rules.propose_grade(criteria, targets)
    assert proposal.grade == grade
    assert proposal.progress == (None if progress is None else pytest.approx(progress))
    assert proposal.reasons == reasons


def test_working_days_to_a_limit_across_national_day(cal):
    """From Tue 30 Sep 2025 to Thu 9 Oct: 1–8 Oct off, so 1 working day left (9 Oct itself); from
    Mon 13 Oct back to 9 Oct: 10 Oct (Fri), 11 Oct (Sat, 调休 worked), 13 Oct → 3 past due."""
    assert rules.working_days_to(cal, date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert rules.working_days_to(cal, date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert rules.working_days_to(cal, date(2025, 10, 13), date(2025, 10, 9)) == -3
