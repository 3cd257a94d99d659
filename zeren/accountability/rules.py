"""Pure rules of accountability (行政问责): time limits, routing, the sanction ladder, review status.

No database here. Every time limit is in working days (``zeren.workdays``); the city's own limits
and ladder are configuration (``settings.ZEREN_ACCOUNTABILITY``), never branches in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The city's limits, in working days. 深圳市政府部门责任检讨及失职道歉暂行办法: the review within 20
# working days of the incident. The others are the city's own procedure (configurable): a decision
# to accept a complaint, the investigation, the filing (备案) of a decision with the superior body.
DEFAULTS: dict[str, Any] = {
    "review_days": 20,
    "acceptance_days": 5,
    "investigation_days": 30,
    "filing_days": 15,
    "appeal_days": 15,
    # 问责方式, lightest first: (code, name, English, applies to units as well as persons)
    "sanction_ladder": [
        ("written_self_criticism", "责令书面检查", "Written self-criticism", True),
        ("circulated_criticism", "通报批评", "Circulated criticism", True),
        ("admonition_talk", "诫勉谈话", "Admonition talk", False),
        ("transfer", "调离岗位", "Transfer from post", False),
        ("ordered_resignation", "责令辞职", "Ordered resignation", False),
        ("removal", "免职", "Removal from office", False),
        ("disciplinary", "处分", "Disciplinary sanction", False),
    ],
    # The rung a fault type starts from before aggravating and mitigating factors (0 = lightest).
    "fault_base_rank": {"not_performing": 1, "improper": 1, "delay": 0, "abuse": 3, "procedure": 0,
                        "arbitrary_fee": 1, "negligence": 2, "other": 0},
    # The annual report: names of persons replaced by their post (anonymised) unless set to False.
    "anonymise_persons": True,
}

AGGRAVATING = {
    "repeat": _("一年内再次发生"),
    "serious_loss": _("造成重大损失或恶劣影响"),
    "obstruction": _("干扰、阻碍调查"),
    "concealment": _("隐瞒事实、伪造证据"),
}
MITIGATING = {
    "self_corrected": _("主动纠正、挽回损失"),
    "confessed": _("主动交代问题"),
    "minor": _("情节轻微"),
    "third_party": _("因相对人过错造成"),
}


def setting(name: str) -> Any:
    """A limit or list from ``settings.ZEREN_ACCOUNTABILITY`` over :data:`DEFAULTS`."""
    return {**DEFAULTS, **getattr(settings, "ZEREN_ACCOUNTABILITY", {})}[name]


class Calendar(Protocol):
    def add_workdays(self, day: date, n: int) -> date: ...


def review_due(cal: Calendar, incident_date: date) -> date:
    """The responsibility review is due on the 20th working day after the incident date
    (深圳市政府部门责任检讨及失职道歉暂行办法; days counted as 行政许可法 第八十二条 counts them:
    working days, the day itself not counted)."""
    return cal.add_workdays(incident_date, setting("review_days"))


def review_status(*, due: date, submitted_on: date | None, apologised: bool, as_of: date) -> str:
    """``apologised`` / ``submitted`` / ``overdue`` (past its due day, not submitted) / ``pending``."""
    if apologised:
        return "apologised"
    if submitted_on is not None:
        return "submitted"
    return "overdue" if as_of > due else "pending"


@dataclass(frozen=True)
class Body:
    """A supervision body (监察机关) and the government it belongs to, by org path."""

    unit_id: int
    path: str
    parent_path: str


def competent_body(accused_path: str, bodies: Iterable[Body]) -> Body | None:
    """The supervision body competent for a unit (按管理权限): the one attached to the nearest
    government above the accused unit — a district body for district and street units, the city's
    for city departments. ``None`` when no body sits above the unit at all."""
    best: Body | None = None
    for body in bodies:
        if accused_path.startswith(body.parent_path) and (best is None or len(body.parent_path) > len(best.parent_path)):
            best = body
    return best


def recommend_rank(fault_type: str, aggravating: Sequence[str], mitigating: Sequence[str], ranks: int) -> int:
    """The ladder rung suggested for a fault (过错责任追究): the fault type's base rung, one up per
    aggravating factor (从重), one down per mitigating factor (从轻、减轻), within the ladder. A
    suggestion for the officer, never applied automatically."""
    base = setting("fault_base_rank").get(fault_type, 0)
    return max(0, min(ranks - 1, base + len(aggravating) - len(mitigating)))


def unknown_factors(aggravating: Iterable[str], mitigating: Iterable[str]) -> list[str]:
    return [f for f in aggravating if f not in AGGRAVATING] + [f for f in mitigating if f not in MITIGATING]


# Where a case comes from (案件来源), by the findings it is opened from: (source app, cause or cause
# prefix, case source), in order of precedence — a case opened from a red card and a fee alert is a
# red-card case. Oversight's causes each have their own source: a referral from finance, audit,
# legal affairs or HR (移送), a joint inspection's finding (检查), an overdue required disclosure
# (政务公开逾期), an overdue joint-meeting follow-up (联席会议督办逾期).
SOURCE_BY_FINDING = [("supervision", "red_card", "red_card"), ("supervision", "", "alert"),
                     ("accountability", "accountability.complaint", "complaint"),
                     ("accountability", "accountability.", "incident_review"),
                     ("oversight", "oversight.referral", "referral"), ("oversight", "oversight.inspection", "inspection"),
                     ("oversight", "oversight.disclosure_overdue", "disclosure"),
                     ("oversight", "oversight.meeting_task_overdue", "joint_meeting"),
                     ("targets", "", "target"), ("evaluation", "", "evaluation"), ("duties", "", "duties")]


def case_source(findings: Iterable[tuple[str, str]]) -> str:
    """The case source (案件来源) for findings given as ``(source_app, cause)``: the first rule of
    :data:`SOURCE_BY_FINDING` any of them matches, else ``other``."""
    pairs = list(findings)
    for app, prefix, source in SOURCE_BY_FINDING:
        if any(a == app and c.startswith(prefix) for a, c in pairs):
            return source
    return "other"


INCIDENT_FIELDS = ("code", "category", "date", "severity", "title", "units")


def check_incident_row(row: Any, where: str, categories: set[str], severities: set[str],
                       units: set[str]) -> list[str]:
    """Every problem of one incident of an import file (``where`` names file and row)."""
    if not isinstance(row, dict):
        return [f"{where}: an object with {', '.join(INCIDENT_FIELDS)} expected"]
    errors = [f"{where} field {name}: missing" for name in INCIDENT_FIELDS if name not in row]
    errors += [f"{where} field {name}: unknown field" for name in row if name not in INCIDENT_FIELDS]
    if "code" in row and (not isinstance(row["code"], str) or not row["code"].strip() or len(row["code"]) > 64):
        errors.append(f"{where} field code: a non-empty text of at most 64 characters expected")
    if "title" in row and (not isinstance(row["title"], str) or not row["title"].strip() or len(row["title"]) > 300):
        errors.append(f"{where} field title: a non-empty text of at most 300 characters expected")
    if "category" in row and row["category"] not in categories:
        errors.append(f"{where} field category: {row['category']!r} is not one of {', '.join(sorted(categories))}")
    if "severity" in row and row["severity"] not in severities:
        errors.append(f"{where} field severity: {row['severity']!r} is not one of {', '.join(sorted(severities))}")
    if "date" in row:
        try:
            date.fromisoformat(row["date"])
        except (TypeError, ValueError):
            errors.append(f"{where} field date: {row['date']!r} is not a date (YYYY-MM-DD)")
    if "units" in row:
        codes = row["units"]
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            errors.append(f"{where} field units: a non-empty list of unit codes expected")
        else:
            errors += [f"{where} field units: unknown unit {c!r}" for c in codes if c not in units]
            if len(set(codes)) != len(codes):
                errors.append(f"{where} field units: a unit is listed twice")
    return errors
