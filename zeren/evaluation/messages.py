"""Texts evaluation writes into other apps' records (the reason of a duty change drafted from an accepted
calibration proposal), as messages rendered in the reader's language (zeren.core.messages)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # summary and suggestion in both languages (names()); the decision's reason as the user wrote it
    "evaluation.calibration_change": _("绩效评估校准建议：%(summary)s。%(suggestion)s（采纳理由：%(reason)s）"),
    # the reason of the audit entry of the findings a round raises (kept as text; recognised on the audit pages)
    "evaluation.round_findings": _("绩效评估结果 %(round)s"),
}
