"""Stored events read back as columns (casewrite): local days asked once per hour are the days
:func:`rules.local_date` gives instant by instant."""

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from zeren.supervision.casewrite import _local_days
from zeren.supervision.columns import NO_TIME
from zeren.supervision.rules import EPOCH_ORDINAL, NO_DAY, local_date, micros

INSTANTS = st.datetimes(datetime(1901, 1, 1), datetime(2041, 1, 1), timezones=st.just(UTC))  # noqa: DTZ001 (naive bounds)


@given(st.lists(st.one_of(INSTANTS, st.none()), max_size=60))
def test_local_days_are_local_dates(instants):
    us = np.array([NO_TIME if t is None else micros(t) for t in instants], dtype=np.int64)
    assert _local_days(us).tolist() == [NO_DAY if t is None else local_date(t).toordinal() - EPOCH_ORDINAL
                                        for t in instants]


def test_local_days_either_side_of_midnight_and_summer_time():
    # Shanghai midnight is 16:00 UTC; 1986-05-04 02:00 local began summer time (UTC+09:00).
    instants = [datetime(2026, 1, 1, 15, 59, 59, 999999, tzinfo=UTC), datetime(2026, 1, 1, 16, tzinfo=UTC),
                datetime(1986, 5, 3, 14, 59, tzinfo=UTC), datetime(1986, 5, 3, 15, tzinfo=UTC),
                datetime(1986, 6, 1, 15, tzinfo=UTC) - timedelta(microseconds=1)]
    us = np.array([micros(t) for t in instants], dtype=np.int64)
    assert _local_days(us).tolist() == [local_date(t).toordinal() - EPOCH_ORDINAL for t in instants]
