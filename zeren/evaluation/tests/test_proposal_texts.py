"""A proposal's summary and suggestion read in the UI's language, rendered from its unit, indicator and
evidence (issue 18 item 7); a suggestion the user edited stays as written."""

import pytest
from django.utils import translation

from zeren.evaluation.models import Indicator, Proposal, ProposalKind
from zeren.org.models import Unit


@pytest.mark.parametrize("kind", list(ProposalKind))
def test_every_kind_reads_in_both_languages(kind):
    unit = Unit(code="SZ-SCJG", name="深圳市市场监督管理局", name_en="Administration for Market Regulation")
    p = Proposal(kind=kind, unit=unit, indicator=Indicator(code="I1", name="按时办结率"),
                 evidence={"attainment": [1.5, 1.6], "target": 90.0, "value": 100.0, "units": 8}).with_texts()
    with translation.override("en"):
        english = p.display_summary
        assert english != p.summary and "按时办结率" in english and not any("\u4e00" <= c <= "\u9fff" for c in
                                                                          english.replace("按时办结率", ""))
        assert p.display_suggestion != p.suggestion
    with translation.override("zh-hans"):
        assert p.display_summary == p.summary and p.display_suggestion == p.suggestion
    p.suggestion = "改为 95"
    with translation.override("en"):
        assert p.display_suggestion == "改为 95"


def test_a_suggested_target_value_is_part_of_the_suggestion():
    p = Proposal(kind=ProposalKind.TARGET_TOO_SOFT, unit=Unit(code="X", name="某局"), indicator=Indicator(name="指标"),
                 evidence={"attainment": [1.5, 1.6], "target": 90.0}).with_texts()
    assert p.suggestion == "调整下一年度目标值（建议 144）"
    with translation.override("en"):
        assert p.display_suggestion == "Adjust next year's target value (suggested: 144)"
