"""The background schedule runs on the city's clock (TIME_ZONE), not UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from huey.contrib.djhuey import HUEY


def test_huey_reads_its_crontabs_in_the_citys_time_zone():
    from zeren.accountability.tasks import escalate_overdue_reviews  # noqa: F401  (registers the task)

    assert settings.TIME_ZONE == "Asia/Shanghai" and HUEY.utc is False
    # huey's clock is the process's local time, which Django set to TIME_ZONE.
    city = ZoneInfo(settings.TIME_ZONE)
    assert abs((HUEY._get_timestamp() - datetime.now(city).replace(tzinfo=None)).total_seconds()) < 60
    # huey hands crontabs naive local times: 01:10 in Shenzhen is the review escalation's hour.
    [task] = [t for t in HUEY._registry.periodic_tasks if t.name.endswith("escalate_overdue_reviews")]
    night, afternoon = (datetime(2026, 12, 7, h, 10, tzinfo=city).replace(tzinfo=None) for h in (1, 17))
    assert task.validate_datetime(night) and not task.validate_datetime(afternoon)
