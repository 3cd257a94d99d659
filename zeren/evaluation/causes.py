"""The finding causes performance evaluation raises (问题类型), for :mod:`zeren.findings.causes`:
the bottom of a round's ranking and the top as commendation candidates (奖勤). Accepted
recalibration proposals were findings (``recalibration``) until they became draft changes of the
targets and duties catalogues; the cause keeps its label for the findings raised then."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LOW_SCORE = "evaluation.low_score"
COMMENDATION = "evaluation.commendation"
RECALIBRATION = "evaluation.recalibration"

CAUSES = {
    LOW_SCORE: _("绩效评估排名靠后"),
    COMMENDATION: _("绩效评估表彰候选"),
    RECALIBRATION: _("已采纳的校准建议"),
}
# Finding titles as messages (zeren.findings.causes.titled): rendered in the reader's language.
TITLES = {
    LOW_SCORE: _("绩效评估排名靠后：%(unit)s %(round)s 第%(rank)s名（%(score)s分）"),
    COMMENDATION: _("绩效评估表彰候选：%(unit)s %(round)s 第%(rank)s名"),
}
DETAILS = {"round": _("评估轮次"), "rank": _("排名"), "of": _("参评单位数"), "score": _("综合得分")}
