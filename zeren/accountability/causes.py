"""The finding causes accountability raises (问题类型), for :mod:`zeren.findings.causes`:
``accountability.<cause>`` — overdue or refused responsibility reviews, refused apologies,
substantiated complaints."""

from __future__ import annotations

from zeren.accountability.models import FindingCause

PREFIX = "accountability."
CAUSES = {PREFIX + value: label for value, label in FindingCause.choices}
