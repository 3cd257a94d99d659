"""The reasons of a proposed grade name the rule's thresholds (rules.py), in the UI's language (issue 18 item 7)."""

from django.utils import translation

from zeren.targets import rules
from zeren.targets.views import BasisView


def test_reasons_take_the_thresholds_from_the_rule(monkeypatch):
    basis = {"progress": 0.4, "targets": [], "criteria": [{"met": False}],
             "reasons": [rules.PROGRESS_BELOW_BASIC, rules.PROGRESS_BELOW_HALF_AND_UNMET]}
    with translation.override("en"):
        assert BasisView(basis).reasons == ["Weighted progress 40%, below 80%: Basically competent",
                                            "Weighted progress 40%, below 50%, with a standard not met: Incompetent"]
    monkeypatch.setattr(rules, "BASIC_BELOW_PROGRESS", 0.75)
    monkeypatch.setattr(rules, "INCOMPETENT_BELOW_PROGRESS", 0.45)
    from zeren.targets import views

    monkeypatch.setattr(views, "THRESHOLDS", views.thresholds())
    with translation.override("zh-hans"):
        assert BasisView(basis).reasons == ["目标加权完成进度 40%，低于 75%：基本称职",
                                            "目标加权完成进度 40%，低于 45%，且有考核标准未达到：不称职"]
