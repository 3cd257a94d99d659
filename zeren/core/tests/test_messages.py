"""Texts code writes into records, as messages (zeren.core.messages): every message an app declares has its
English, a Message stores Chinese whatever the writer's language, a text of a declared wording is recognised
(the audit pages), and anything else is shown as it is."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from zeren.core.messages import message, names, recognise, registry, render, stored

WORDINGS = {key: text for key, text in registry().items() if not callable(text)}


def sample(key: str) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {name: f"值{i}" for i, name in enumerate(re.findall(r"%\((\w+)\)s", str(WORDINGS[key])))}


@pytest.mark.parametrize("key", sorted(WORDINGS))
def test_every_declared_message_reads_in_english_and_is_recognised(key):
    params = sample(key)
    chinese = str(message(key, **params))
    with translation.override("en"):
        english = render(key, params)
        assert english != chinese and not re.search(r"[\u4e00-\u9fff]", english.replace("值", "")), english
        assert recognise(chinese) == english
    with translation.override("zh-hans"):
        assert render(key, params) == chinese and recognise(chinese) == chinese


def test_a_message_is_stored_in_chinese_whatever_the_writers_language():
    with translation.override("en"):
        text, key, params = stored(message("accountability.case_decided", case="WZ2026-0001",
                                           sanction=names("通报批评", "Circulated criticism")))
        assert text == "问责决定 WZ2026-0001：通报批评" and key == "accountability.case_decided"
        assert render(key, params, text) == "Decision in case WZ2026-0001: Circulated criticism"
    assert stored("用户写的理由") == ("用户写的理由", "", {})


def test_unknown_keys_and_texts_fall_back_to_the_stored_text():
    with pytest.raises(ImproperlyConfigured):
        message("nobody.declared_this")
    with translation.override("en"):
        assert render("nobody.declared_this", {}, "存储的文字") == "存储的文字"
        assert render("accountability.case_opened", {}, "存储的文字") == "存储的文字"  # parameters missing
        assert recognise("用户写的理由") == "用户写的理由" and recognise("") == ""
