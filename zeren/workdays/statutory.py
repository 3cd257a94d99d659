"""Statutory holidays (法定节假日) computed by rule, for years with no official schedule.

Legal source: 全国年节及纪念日放假办法 (Regulation on National Annual Festivals and Memorial Days),
as amended by State Council Decree No. 795 of 2024, in force 2025-01-01.

- 第二条 (Art. 2), holidays for all citizens (全体公民放假的节日):
  元旦 New Year's Day, 1 day (1 January);
  春节 Spring Festival, 4 days (lunar New Year's eve 农历除夕, and the 1st–3rd of the first lunar month);
  清明节 Qingming, 1 day (the day of the 清明 solar term);
  劳动节 Labour Day, 2 days (1–2 May);
  端午节 Dragon Boat Festival, 1 day (the 5th of the 5th lunar month);
  中秋节 Mid-Autumn Festival, 1 day (the 15th of the 8th lunar month);
  国庆节 National Day, 3 days (1–3 October).
- 第六条 (Art. 6): a holiday for all citizens that falls on a Saturday or Sunday is made up on a
  working day (补假). This module places each make-up day on the first weekday after the festival
  that is not already a holiday; a festival day that coincides with another festival's day (e.g.
  中秋 on 1–3 October) is made up the same way, as the State Council has done (2020, 2025).

What the rule cannot know: the adjusted working weekends (调休) and the extra bridge days the
State Council announces each year. Hence every result in such a year is *provisional* and must be
recomputed once the official schedule (国务院办公厅关于某年部分节假日安排的通知) is imported.

Lunar dates and solar terms come from ``lunar_python`` (a maintained library), not hand-written
astronomy. Lunar New Year's eve (除夕) is the last day of the 12th lunar month, which is the 29th
or the 30th: it is computed as the solar date of lunar 1/1 minus one day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar, Solar

from zeren.workdays.days import DayKind, DaySource, SpecialDay

MAKE_UP_SUFFIX = "补假"
"""Suffix of the label of a make-up day: 春节补假 is the make-up day for 春节 (第六条)."""


def _to_date(solar: Solar) -> date:
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_to_solar(year: int, month: int, day: int) -> date:
    """Solar date of a day of the (non-leap) lunar month ``month`` of lunar year ``year``."""
    return _to_date(Lunar.fromYmd(year, month, day).getSolar())


def qingming(year: int) -> date:
    """Day of the 清明 solar term (节气) in the given year, always 4–6 April."""
    return _to_date(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])


def festival_days(year: int) -> list[tuple[str, list[date]]]:
    """The festivals of 第二条 and their days in ``year``, in calendar order.

    全国年节及纪念日放假办法 第二条 (2024 amendment). Labels are the Chinese festival names.
    """
    lunar_new_year = lunar_to_solar(year, 1, 1)
    festivals = [
        ("元旦", [date(year, 1, 1)]),
        # 除夕 + 正月初一至初三: the eve is the day before lunar 1/1 (腊月廿九 or 三十).
        ("春节", [lunar_new_year + timedelta(days=offset) for offset in range(-1, 3)]),
        ("清明节", [qingming(year)]),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("端午节", [lunar_to_solar(year, 5, 5)]),
        ("中秋节", [lunar_to_solar(year, 8, 15)]),
        ("国庆节", [date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)]),
    ]
    return sorted(festivals, key=lambda festival: festival[1][0])


def _next_free_weekday(after: date, taken: set[date]) -> date:
    candidate = after + timedelta(days=1)
    while candidate.weekday() >= 5 or candidate in taken:
        candidate += timedelta(days=1)
    return candidate


def statutory_holidays(year: int, *, make_up: bool = True) -> list[SpecialDay]:
    """法定节假日 of ``year`` by rule: 第二条 festivals plus 第六条 make-up days (补假).

    Returns days of kind ``holiday`` with source ``rule``, flagged provisional, sorted by date.
    With ``make_up=False`` only the 第二条 days are returned.
    """
    return list(_statutory_holidays(year, make_up))


@lru_cache(maxsize=256)
def _statutory_holidays(year: int, make_up: bool) -> tuple[SpecialDay, ...]:
    taken: dict[date, str] = {}
    for label, days in festival_days(year):
        owed = 0
        for day in days:
            if day in taken or day.weekday() >= 5:
                owed += 1
            taken.setdefault(day, label)
        last = max(days)
        for _ in range(owed if make_up else 0):
            make_up_day = _next_free_weekday(last, set(taken))
            taken[make_up_day] = label + MAKE_UP_SUFFIX
            last = make_up_day
    return tuple(
        SpecialDay(day=day, kind=DayKind.HOLIDAY, label=label, source=DaySource.RULE, provisional=True)
        for day, label in sorted(taken.items())
    )
