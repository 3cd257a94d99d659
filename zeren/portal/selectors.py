"""Reads of the public portal (公开门户): only what every app publishes to anyone, newest first.

The portal reads each app's public side through that app's own selectors (published white papers,
sunshine disclosures, frozen evaluation rounds, apologies); it adds no scope of its own because
nothing here is scoped: it is all public.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from zeren.accountability.selectors import public_apologies
from zeren.evaluation.models import Round, Survey, SurveyStatus
from zeren.evaluation.selectors import rounds_for
from zeren.oversight.selectors import public_publications
from zeren.targets.selectors import published_papers


def published_rounds() -> QuerySet[Round]:
    """Evaluation rounds whose results are public (published, and superseded ones with their correction),
    the latest first: what the anonymous visitor may read (:func:`zeren.evaluation.selectors.rounds_for`)."""
    return rounds_for(AnonymousUser()).order_by("-published_at", "-pk")


def open_surveys() -> QuerySet[Survey]:
    return Survey.objects.filter(status=SurveyStatus.OPEN).order_by("-created_at")


def latest_apologies(limit: int) -> list[Any]:
    return list(public_apologies().order_by("-published_on", "-pk")[:limit])


@dataclass(frozen=True)
class FrontPage:
    """The latest of each public record, for the portal's home page."""

    disclosures: list[Any]
    rounds: list[Round]
    papers: list[Any]
    apologies: list[Any]
    surveys: list[Survey]
    report_years: list[int]


def front_page(limit: int = 5) -> FrontPage:
    this_year = timezone.localdate().year
    return FrontPage(
        disclosures=list(public_publications().select_related("unit")[:limit]),
        rounds=list(published_rounds()[:limit]),
        papers=list(published_papers().order_by("-year", "-published_at")[:limit]),
        apologies=latest_apologies(3),
        surveys=list(open_surveys()[:limit]),
        # The annual accountability report (年度问责报告) is drawn up after the year: last year's first.
        report_years=[this_year - 1, this_year - 2, this_year],
    )
