"""The finding causes target management raises (问题类型), for :mod:`zeren.findings.causes`.

The daily follow-up (督办) raises ``overdue`` and ``notice_escalated``; the annual assessment
``incompetent``; ``zeren targets check`` the consistency problems (its weights warning raises none).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

OVERDUE = "targets.overdue"
NOTICE_ESCALATED = "targets.notice_escalated"
INCOMPETENT = "targets.incompetent"
ADDITIVE_SHORTFALL = "targets.additive_shortfall"
NO_LEADER = "targets.no_leader"
NOT_MEMBER = "targets.not_member"
LEADER_WITHOUT_TARGET = "targets.leader_without_target"

CAUSES = {
    OVERDUE: _("目标逾期未完成"),
    NOTICE_ESCALATED: _("督办逾期未答复"),
    INCOMPETENT: _("年度考核不称职"),
    ADDITIVE_SHORTFALL: _("下级目标合计不足"),
    NO_LEADER: _("目标无责任领导"),
    NOT_MEMBER: _("目标责任人不在责任单位"),
    LEADER_WITHOUT_TARGET: _("领导未承担目标"),
}
# Finding titles as messages (zeren.findings.causes.titled): rendered in the reader's language.
TITLES = {
    OVERDUE: _("目标逾期未完成：%(code)s %(title)s"),
    NOTICE_ESCALATED: _("督办通知逾期未答复，已升级：目标 %(target)s"),
    INCOMPETENT: _("%(year)s 年度考核不称职：%(person)s"),
    ADDITIVE_SHORTFALL: _("下级目标值合计比 %(code)s 的目标值少 %(gap)s"),
    "targets.weights": _("%(code)s 的下级目标权重合计 %(total)s，不等于 100（按比例折算）"),
    NO_LEADER: _("%(code)s 没有责任领导"),
    "targets.not_member.leader": _("%(code)s 的责任领导在 %(day)s 不是 %(unit)s 或其上级单位的成员"),
    "targets.not_member.person": _("%(code)s 的责任人在 %(day)s 不是 %(unit)s 或其上级单位的成员"),
    LEADER_WITHOUT_TARGET: _("%(unit)s 的领导 %(name)s 在 %(year)s 年没有承担任何目标"),
}
DETAILS = {"progress": _("完成进度")}
DETAIL_VALUES = {"progress": lambda value: f"{round(float(value) * 100)}%" if isinstance(value, int | float) else str(value)}
