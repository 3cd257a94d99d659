"""The demo step on a small tree: what it writes reads back through the selectors with the same
statuses it planted, and the follow-up it planted is consistent."""

from __future__ import annotations

from collections import Counter
from datetime import date

from zeren.demo.context import DemoContext
from zeren.findings.models import Finding
from zeren.targets import demo, rules, selectors
from zeren.targets.models import Assessment, Letter, Notice, NoticeStatus, ProgressReport, Target, WhitePaper


def test_demo_writes_what_the_selectors_read(people):
    ctx = DemoContext(size="small", seed=7, today=date(2026, 11, 27), quiet=True)
    demo.build(ctx)
    counts = ctx.notes["targets"]
    assert Target.objects.count() == counts["targets"] > 0
    assert {2025, 2026} == set(Target.objects.values_list("year", flat=True))
    assert Letter.objects.filter(year=2026, unit__code="SZ-SCJG").exists()
    assert Target.objects.filter(person__isnull=False).exists()  # decomposed down to people
    assert ProgressReport.objects.count() == counts["reports"] > 0
    computed = selectors.statuses(Target.objects.all(), date(2026, 11, 27))
    assert dict(Counter(s.status for s in computed.values())) == counts["statuses"]
    escalated = Notice.objects.filter(escalated_from__isnull=False)
    assert all(n.escalated_from.status == NoticeStatus.ESCALATED and n.level == 1 for n in escalated)
    assert Finding.objects.filter(cause="targets.notice_escalated").count() == escalated.count()
    assert WhitePaper.objects.filter(state="published").exists()
    assessed = Assessment.objects.filter(year=2025)
    assert assessed.count() == counts["assessments"] > 0
    for a in assessed:  # proposed by the rule; confirmed as proposed or with a reason, within the quota
        assert a.basis["proposed"] == a.proposed_grade and (a.grade in ("", a.proposed_grade) or a.grade_reason)
    for unit_id in set(assessed.values_list("unit_id", flat=True)):
        round_ = assessed.filter(unit_id=unit_id)
        assert round_.filter(grade="excellent").count() <= rules.excellent_quota(round_.count())
    new_target = Target.objects.create(code="X-1", year=2026, title="后加目标", unit=people["mayor"].memberships.get().unit,
                                       start=date(2026, 1, 5), deadline=date(2026, 12, 31), target_value=1)
    assert new_target.pk > max(t for t in computed)  # the id sequence continues above the demo's ids
