"""The registry contract: every element contributes a panel (cockpit.py) and work queues (workbench.py)
in the shape zeren.core.boards says, computed on the small demo city."""

from __future__ import annotations

from dataclasses import fields

import pytest

from zeren.cockpit import registry, selectors
from zeren.cockpit.tests.conftest import last_workday
from zeren.core.boards import TONES, UNIT, Panel, PanelData, PanelScope, Queue, QueueItem
from zeren.org.models import Unit

pytestmark = pytest.mark.django_db

ELEMENTS = ["duties", "targets", "supervision", "evaluation", "accountability"]


def test_the_five_elements_contribute_a_panel_each_along_the_chain():
    panels = registry.panels()
    assert [p.element for p in panels] == ELEMENTS
    assert all(isinstance(p, Panel) and callable(p.compute) and str(p.title) for p in panels)
    kinds = [q.kind for q in registry.queues()]
    assert len(kinds) == len(set(kinds))
    assert {k.split(".")[0] for k in kinds} >= {"targets", "supervision", "accountability", "findings", "oversight"}
    assert registry.queue("targets.notice") is not None and registry.queue("nothing.here") is None


def test_every_panel_is_well_formed_for_the_city_and_a_department(city, demo_user):
    leader = demo_user("leader")
    root = selectors.home_unit_for(leader)
    market = Unit.objects.get(code=demo_user("head").unit.code)
    codes = set(Unit.objects.values_list("code", flat=True))
    for unit in (root, market):
        for panel in registry.panels():
            data = panel.compute(PanelScope(leader, unit, last_workday()))
            assert isinstance(data, PanelData), panel.element
            assert data.figures, panel.element
            for figure in data.figures:
                assert figure.tone in TONES and str(figure.label)
                assert figure.url.startswith("/") or not figure.url
            for chart in data.charts:
                assert chart.kind in ("bar", "hbar", "line", "pie"), chart.kind
                assert chart.series and all(len(s.data) == len(chart.categories) for s in chart.series)
                assert len(chart.links) in (0, len(chart.categories))
                assert not chart.colours or len(chart.colours) == len(chart.categories)
            assert set(data.problems) <= codes, (panel.element, set(data.problems) - codes)
            assert all(n > 0 for n in data.problems.values())
    assert any(p.compute(PanelScope(leader, root, last_workday())).charts for p in registry.panels())


def test_every_queue_answers_with_items_that_name_their_record_and_deadline(city, demo_user):
    today = last_workday()
    checked = 0
    for username in ("admin", "officer", "staff", "perf"):
        scope = selectors.queue_scope(demo_user(username), today)
        for queue in registry.queues():
            assert isinstance(queue, Queue) and (queue.who == UNIT or queue.who in {"supervise", "evaluate",
                                                                                     "administer_duties"})
            for qs, lookup, attribute in ((queue.open(scope), queue.due, "due"),
                                          (queue.closed(scope), queue.done_on, "done_on")):
                rows = list(qs.order_by("pk")[:3])
                if queue.actor and rows:
                    assert qs.filter(pk=rows[0].pk).values_list(queue.actor, flat=True).get().startswith("/")
                for obj in rows:
                    item = queue.row(obj)
                    assert isinstance(item, QueueItem) and item.kind == queue.kind
                    model, pk = item.ref.split(":")
                    assert model == obj._meta.label_lower and pk == str(obj.pk)
                    assert item.url.startswith("/") and item.title
                    if lookup:  # the deadline the workbench sorts by is the one the row shows
                        value = qs.filter(pk=obj.pk).values_list(lookup, flat=True).get()
                        value = value.date() if hasattr(value, "hour") else value
                        assert value == getattr(item, attribute), (queue.kind, lookup)
                    checked += 1
    assert checked > 20
    assert {f.name for f in fields(QueueItem)} >= {"kind", "ref", "title", "due", "url"}
