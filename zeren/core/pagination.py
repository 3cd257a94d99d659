"""The API's default pagination: django-ninja's limit/offset with both ends bounded.

An unbounded ``offset`` lets a client ask for row 10^20, which overflows the database's
integer and answers 500 instead of an empty page (found by the schemathesis run).
"""

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
