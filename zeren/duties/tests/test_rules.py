"""Pure rules of the duties catalogue."""

from django.utils import translation

from zeren.duties.models import Category
from zeren.duties.rules import parse_choice


def test_choices_read_the_same_whatever_the_ui_language():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert parse_choice("行政许可", Category, "事项类别") == parse_choice("Administrative licensing", Category, "事项类别")
