from django.contrib import admin

from zeren.core.admin import ReadOnlyAdmin as ReadOnly
from zeren.evaluation.models import (
    Indicator,
    IndicatorSystem,
    PeerGroup,
    Programme,
    Proposal,
    Result,
    Round,
    Survey,
)


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(ReadOnly):
    list_display = ("code", "name", "peer_group", "programme", "aggregation", "missing_policy")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = ("system", "code", "name", "parent", "type", "polarity", "weight", "source")
    list_filter = ("system",)


@admin.register(Round)
class RoundAdmin(ReadOnly):
    list_display = ("name", "system", "period_start", "period_end", "pilot", "status", "completeness")


@admin.register(Result)
class ResultAdmin(ReadOnly):
    list_display = ("round", "unit", "score", "rank")
    list_filter = ("round",)


admin.site.register([PeerGroup, Survey, Proposal], ReadOnly)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ("code", "name", "period_start", "period_end")
