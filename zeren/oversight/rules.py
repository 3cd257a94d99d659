"""Pure rules of the oversight network (监督网络): time limits, who is competent, who sees what.

No database here. Time limits are the city's own rules (configuration, setting
``ZEREN_OVERSIGHT_LIMITS``), counted in working days as every administrative limit is
(行政许可法 第八十二条 sets the counting; ``zeren.workdays`` does it).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

# Working-day limits (工作日). Defaults follow the seed's joint-meeting practice: a referred case
# is registered within 5 working days and its result reported back within 30; a rectification
# request gives 20; a meeting decision 15; a required disclosure is published within 20 working
# days of the event (政府信息公开条例 第二十六条: 自该政府信息形成或者变更之日起20个工作日内).
DEFAULT_LIMITS = {"register": 5, "report": 30, "rectify": 20, "meeting_task": 15, "disclosure": 20}


def limit(name: str) -> int:
    """The working-day limit ``name`` in force (setting over default)."""
    return {**DEFAULT_LIMITS, **getattr(settings, "ZEREN_OVERSIGHT_LIMITS", {})}[name]


# --- 阳光工程 ---------------------------------------------------------------------------------

# draft → approved → published → withdrawn (撤回): nothing goes back, nothing published is deleted.
PUBLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"approved"}),
    "approved": frozenset({"published", "draft"}),
    "published": frozenset({"withdrawn"}),
    "withdrawn": frozenset(),
}


def can_move_publication(current: str, new: str) -> bool:
    """Whether the publication workflow allows ``current`` → ``new`` (政府信息公开条例 第十七条: reviewed before release)."""
    return new in PUBLICATION_TRANSITIONS.get(current, frozenset())


def requirement_overdue(due_on: date, met_on: date | None, today: date) -> bool:
    """A required disclosure is overdue (逾期未公开) once its due day has passed without it being published.

    政府信息公开条例 第二十六条: information to be disclosed proactively is published within 20
    working days of being formed or changed.
    """
    return met_on is None and today > due_on


# --- 附件 -------------------------------------------------------------------------------------

# --- 移送处理 / 垂直监督网络 ---------------------------------------------------------------------

def referral_number(year: int, sequence: int) -> str:
    """A referral's number (移送编号): ``YS-2026-00042``, numbered per year."""
    return f"YS-{year}-{sequence:05d}"


def in_subtree(unit_path: str, root_path: str) -> bool:
    """Whether a unit (by materialised path) lies in the subtree of ``root_path``."""
    return unit_path.startswith(root_path)


def competent(body_kind: str, jurisdiction_path: str, unit_path: str) -> bool:
    """A supervision body is competent for a unit it oversees (监察机关对本级政府所属部门及下级政府实施监察).

    行政监察法 (2010) 第二条、第七条: a supervision body supervises the departments of its own
    government and the lower governments.
    """
    return body_kind == "supervision" and in_subtree(unit_path, jurisdiction_path)


def referral_view(*, belongs_to_referrer: bool, supervises_unit: bool) -> str:
    """What a user sees of a referral: ``"full"`` (the receiver, with internal notes), ``"status"``
    (the referring body: status, dates and the reported result only) or ``""`` (nothing).

    The receiving body's internal handling notes stay inside the supervision body: the referrer
    is told the result (结果反馈), not the deliberations. A user of the referring body sees status
    only even if they also hold a supervision role.
    """
    if belongs_to_referrer:
        return "status"
    return "full" if supervises_unit else ""


def late(due: date | None, done: date | None, today: date) -> bool:
    """Late (逾期): done after the due day, or not done and the due day has passed."""
    if due is None:
        return False
    return done > due if done is not None else today > due


def on_time_rate(on_time: int, total: int) -> float | None:
    """The share done within the limit (按时率); ``None`` with nothing to count."""
    return on_time / total if total else None
