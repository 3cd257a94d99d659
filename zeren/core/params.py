"""Query parameters the apps' APIs share (django-ninja), each declared once with its bounds.

A bound on the parameter itself is checked by ninja before the route runs (422 naming the field,
the same shape as every other validation error) and is published in the OpenAPI schema, so a
client — or schemathesis — knows it. Used as a default: ``year: int | None = YEAR``. (An
``Annotated`` type would not do: under ``from __future__ import annotations`` ninja resolves a
paginated route's annotations in ``ninja.pagination``'s namespace, where the alias is unknown.)
"""

from __future__ import annotations

from ninja import Query

YEAR_MIN, YEAR_MAX = 1900, 2200
# A calendar year a date can be built from: ``date(year, 1, 1)`` overflows past 9999 and the
# database's date range ends sooner (schemathesis sent 65536 and -99999, which answered 500).
YEAR = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description=f"calendar year, {YEAR_MIN}-{YEAR_MAX}")
