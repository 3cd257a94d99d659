"""Readable audit log: every action an app writes has a label (zeren.audit.labels)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from zeren.audit import labels

ZEREN = Path(labels.__file__).resolve().parent.parent


def literal_actions() -> dict[str, str]:
    """``action="<app>.<verb>"`` keyword arguments written as literals anywhere in zeren (tests aside)."""
    found = {}
    for path in ZEREN.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "action" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str) \
                            and "." in kw.value.value:
                        found[kw.value.value] = f"{path.relative_to(ZEREN)}:{node.lineno}"
    return found


def test_every_literal_action_has_a_label():
    actions = labels.registry()[0]
    written = literal_actions()
    assert len(written) > 60
    assert {code: where for code, where in written.items() if code not in actions} == {}


def test_labels_follow_the_language():
    assert labels.action_label("supervision.alert_closed") == "办结告警"
    with translation.override("en"):
        assert labels.action_label("supervision.alert_closed") == "Close an alert"
        assert labels.object_type_label("supervision.alert") == str(labels._model("supervision.alert")._meta.verbose_name)


def test_unknown_codes_and_values_stay_readable():
    assert labels.action_label("oldapp.gone") == "系统 · 其他操作"
    assert labels.action_label("targets.no_such_thing").endswith("其他操作")
    assert labels.actor_label("") == "系统" and labels.actor_label("anonymous") == "公众" and labels.actor_label("wang") == "wang"
    assert labels.value_label("supervision.alert", "status", "closed") == "已办结"
    assert labels.value_label("supervision.approvalitem", "required_steps", ["review", "mine"]) == "审查、mine"
    assert labels.value_label("accountability.faultcase", "mitigating", ["confessed"]) == "主动交代问题"
    rows = labels.labelled_changes("supervision.alert", {"status": ["open", "closed"], "nope": 3})
    assert rows == [("处理状态", "待签收", "已办结", True), ("nope", None, 3, False)]


def test_recorded_times_read_as_local_minutes():
    """A time a snapshot recorded as ISO text (UTC) shows in the city's time to the minute; dates and
    other text are left alone."""
    assert labels.value_label("targets.target", "completed_at", "2026-12-04T02:30:15.123456+00:00") == "2026-12-04 10:30"
    assert labels.value_label("targets.target", "created", "2026-12-04T10:30:00Z") == "2026-12-04 18:30"
    assert labels.value_label("targets.target", "due", "2026-12-04") == "2026-12-04"
    assert labels.value_label("targets.target", "note", "2026-12-04T10:30 计划") == "2026-12-04T10:30 计划"


def test_a_code_declared_twice_is_refused(monkeypatch):
    from types import SimpleNamespace

    one = SimpleNamespace(ACTIONS={"x.same": "一"})
    two = SimpleNamespace(ACTIONS={"x.same": "二"})
    monkeypatch.setattr(labels, "app_modules", lambda name: iter([(SimpleNamespace(label="a"), one),
                                                                  (SimpleNamespace(label="b"), two)]))
    labels.registry.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="x.same"):
            labels.registry()
    finally:
        monkeypatch.undo()
        labels.registry.cache_clear()




def test_what_an_entry_records_beyond_model_fields_is_labelled():
    """Counts, summaries and records kept in an entry's changes read as labelled fields: a reverse
    relation's name does not break the page, maps and lists of maps are labelled by key, a code
    through the app's ``VALUES`` (a draft change keeps the catalogue item it adds as a record)."""
    with translation.override("zh-hans"):
        assert labels.field_label("org.unit", "posts") == "职务"  # a reverse relation, not a field
        assert labels.value_label("org.registry", "units", {"created": 3, "unchanged": 1}) == "新建：3；未变：1"
        record = labels.value_label("duties.draftchange", "content", {
            "area": "economic_regulation", "legal_basis": [{"law": "某法", "article": "第一条"}]})
        assert record == "职能领域：经济调节；设定依据：法律法规：某法；条款：第一条"
        assert labels.field_label("evaluation.indicatorsystem", "consistency_ratio") == "一致性比率"
    with translation.override("en"):
        assert labels.value_label("org.registry", "units", {"created": 3}) == "Created：3"
