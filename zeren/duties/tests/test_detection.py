"""Detection quality on the demo's planted problems (演示埋点): the acceptance figure of the analysis."""

import time
from datetime import date
from importlib import import_module
from itertools import combinations

import pytest

from zeren.demo.context import DemoContext
from zeren.duties import analysis, demo
from zeren.duties.models import DutyFinding, FunctionItem, PlantedProblem
from zeren.duties.tests.factories import make_city

pytestmark = pytest.mark.django_db


def matched(planted: PlantedProblem, finding: DutyFinding) -> bool:
    return set(planted.item_codes) <= set(finding.item_codes) and set(planted.unit_codes) <= set(finding.unit_codes)


def test_city_demo_detects_planted_problems():
    make_city(districts=10, depts_per_district=15, streets_per_district=6)
    # The analysis' libraries load once per process (scikit-learn, jieba's dictionary: about 2 s on an idle
    # machine, five times that on a busy one); the budget is for the step's own work.
    import_module("sklearn.feature_extraction.text")
    analysis.segmenter()("养老机构")
    # CPU seconds, not wall time: on a shared machine the wall clock measures the others' load too.
    started = time.process_time()
    demo.build(DemoContext(size="city", seed=2007, today=date(2026, 11, 27), quiet=True))
    seconds = time.process_time() - started
    assert 8_000 <= FunctionItem.objects.count() <= 12_000
    assert seconds < 30  # the demo command budget is 12 s; the test database is slower to set up

    # Findings are clusters: a cluster of k items stands for its k·(k−1)/2 pairs.
    planted = {frozenset(p.item_codes) for p in PlantedProblem.objects.filter(kind="near_duplicate")}
    found = {frozenset(pair) for f in DutyFinding.objects.filter(kind="near_duplicate")
             for pair in combinations(f.item_codes, 2)}
    assert len(planted) >= 50
    recall = len(planted & found) / len(planted)
    precision = len(planted & found) / len(found)
    assert recall >= 0.9 and precision >= 0.8, (recall, precision)

    for kind in ("multi_head", "orphan", "no_responsibility", "level_mismatch"):
        findings = list(DutyFinding.objects.filter(kind=kind))
        plants = list(PlantedProblem.objects.filter(kind=kind))
        assert plants, kind
        assert all(any(matched(p, f) for f in findings) for p in plants), kind  # every plant found
        extra = [f.summary for f in findings if not any(matched(p, f) for p in plants)]
        assert not extra, (kind, extra)  # nothing else reported
