"""JSON from outside read within bounds (zeren.core.jsoninput): every importer refuses a hostile file
with a sentence, never a traceback — a file nested 100,000 levels made ``json.loads`` raise
RecursionError in each of them."""

import json

import pytest
from django.core.exceptions import ValidationError

from zeren.core.importing import ImportRejected, read_json_rows
from zeren.core.jsoninput import MAX_DEPTH, read_json, read_json_file, unacceptable
from zeren.org.testing import run_command

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_read_json_reads_what_orjson_refuses_within_bounds():
    assert read_json(b'{"a": NaN}')["a"] != read_json(b'{"a": NaN}')["a"]  # NaN, read (then refused)
    deep = read_json(DEEP)
    for _ in range(MAX_DEPTH - 1):
        deep = deep[0]
    assert deep[0].endswith(f"nested deeper than {MAX_DEPTH} levels")
    with pytest.raises(json.JSONDecodeError) as broken:
        read_json(b'{\n "a": 1,\n}')
    assert broken.value.lineno == 3
    with pytest.raises(UnicodeDecodeError):
        read_json(b'{"a": "\xff"}')


@pytest.mark.parametrize(("body", "reason"), [
    (DEEP, "[0]" * MAX_DEPTH + f": nested deeper than {MAX_DEPTH} levels"),
    (b'[{"x": {"y": NaN}}]', "[0].x.y: nan is not a JSON number"),
    (b'[{"x": "a\\u0000b"}]', "[0].x: contains a NUL character (U+0000)"),
    (b'[{"x": ' + b"9" * 500 + b"}]", "[0].x: a number of 500 characters (at most 40)"),
])
def test_an_imported_file_holding_what_cannot_be_stored_is_refused_naming_the_field(body, reason):
    with pytest.raises(ValueError) as refused:
        read_json_file(body)
    assert str(refused.value) == reason
    assert unacceptable(read_json(b'[{"ok": 1}]')) is None
    assert read_json_file(b'\xef\xbb\xbf[{"ok": 1}]') == [{"ok": 1}]  # a byte-order mark is fine


def test_json_import_rows_refuse_a_deep_file_as_a_whole(tmp_path):
    path = tmp_path / "duties.json"
    path.write_bytes(DEEP)
    with pytest.raises(ImportRejected) as refused:
        read_json_rows(str(path), "duties.json", entry="须为对象")
    assert f"nested deeper than {MAX_DEPTH} levels" in str(refused.value.errors[0].message)


@pytest.mark.django_db
def test_commands_refuse_deep_files_with_a_sentence(tmp_path):
    from zeren.accountability.actions import do_import_incidents

    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    code, output = run_command("import", "popolo", str(path))
    assert code == 1 and f"nested deeper than {MAX_DEPTH} levels" in output and "Traceback" not in output
    with pytest.raises(ValidationError, match=f"nested deeper than {MAX_DEPTH} levels"):
        do_import_incidents(actor=None, path=path)
