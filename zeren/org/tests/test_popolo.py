import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from zeren.audit.models import AuditEntry
from zeren.org.models import Level, Person, Unit, UnitKind
from zeren.org.popolo import to_popolo
from zeren.org.testing import make_small_tree, run_command, wipe_registry

SCHEMAS = Path(__file__).parent / "popolo_schemas"
ARRAYS = {"organizations": "organization", "persons": "person", "posts": "post", "memberships": "membership"}


def _registry() -> Registry:
    def retrieve(uri: str) -> Resource:
        name = uri.rsplit("/", 1)[-1].split("#")[0]
        return Resource.from_contents(json.loads((SCHEMAS / name).read_text()), default_specification=DRAFT3)

    return Registry(retrieve=retrieve)


def validators() -> dict[str, Draft3Validator]:
    registry = _registry()
    return {array: Draft3Validator(json.loads((SCHEMAS / f"{name}.json").read_text()), registry=registry)
            for array, name in ARRAYS.items()}



def test_every_exported_object_validates_against_the_popolo_schemas(demo_city):
    doc = to_popolo(include_personal=True)
    checks = validators()
    for array, validator in checks.items():
        assert doc[array], array
        for i, obj in enumerate(doc[array]):
            errors = [e.message for e in validator.iter_errors(obj)]
            assert not errors, f"{array}[{i}]: {errors}"


def test_personal_data_leaves_only_when_asked(demo_city):
    person = Person.objects.exclude(phone="").first()
    plain = json.dumps(to_popolo(), ensure_ascii=False)
    assert person.phone not in plain and person.id_number not in plain
    assert person.phone in json.dumps(to_popolo(include_personal=True))


def test_round_trip_into_an_empty_database_loses_nothing(demo_city, tmp_path):
    exported = to_popolo(include_personal=True)
    populations = {o["id"]: o["population"] for o in exported["organizations"] if "population" in o}
    assert populations["SZ"] == 17_661_800 and populations["SZ-FT"] == 1_530_700  # the city, districts, streets
    assert all(Unit.objects.get(code=c).kind != UnitKind.DEPARTMENT for c in populations)
    path = tmp_path / "city.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    wipe_registry()
    code, output = run_command("import", "popolo", str(path))
    assert code == 0
    assert to_popolo(include_personal=True) == exported


@pytest.mark.django_db
def test_a_file_with_only_standard_fields_imports_with_inferred_levels(tmp_path):
    doc = {"organizations": [
        {"id": "C", "name": "某市人民政府", "classification": "人民政府"},
        {"id": "C-D", "name": "某区人民政府", "classification": "government", "parent_id": "C"},
        {"id": "C-D-S", "name": "某街道办事处", "classification": "街道办事处", "parent_id": "C-D"},
        {"id": "C-D-S-1", "name": "党政办公室", "classification": "内设机构", "parent_id": "C-D-S"},
        {"id": "C-D-B", "name": "某区教育局", "classification": "政府工作部门", "parent_id": "C-D"},
        {"id": "C-B", "name": "某市教育局", "classification": "bureau", "parent_id": "C"},
    ]}
    path = tmp_path / "std.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, output = run_command("import", "popolo", str(path))
    assert code == 0
    got = {u.code: (u.kind, u.level) for u in Unit.objects.all()}
    assert got == {
        "C": (UnitKind.GOVERNMENT, Level.CITY), "C-D": (UnitKind.GOVERNMENT, Level.DISTRICT),
        "C-D-S": (UnitKind.STREET_OFFICE, Level.STREET), "C-D-S-1": (UnitKind.DIVISION, Level.STREET),
        "C-D-B": (UnitKind.DEPARTMENT, Level.DISTRICT), "C-B": (UnitKind.DEPARTMENT, Level.CITY),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("doc", "message"), [
    ({"organizations": [{"id": "SZ-X", "name": "x"}] * 2}, "organizations[1].id：单位代码 'SZ-X' 重复"),
    ({"organizations": [{"id": "SZ-X", "name": "x", "parent_id": "NOPE"}]},
     "organizations[0].parent_id：未知的上级单位代码 'NOPE'"),
    ({"organizations": [{"id": "SZ-X", "name": "x", "founding_date": "2020-13-01"}]},
     "organizations[0].founding_date：'2020-13-01' 不是日期"),
    ({"posts": [{"id": "P", "label": "局长", "organization_id": "SZ", "rank": "boss"}]},
     "posts[0].rank：未知职级 'boss'"),
    ({"memberships": [{"person_id": "nobody", "post_id": "P"}]}, "memberships[0].person_id：未知的人员编号"),
    ({"organizations": {"id": "SZ"}}, "organizations：须为数组"),
    ({"organizations": [{"id": "SZ-X", "name": "x", "population": "150万"}]},
     "organizations[0].population：须为人数"),
    ({"organizations": [{"id": "SZ-X", "name": "x", "population": -1}]},
     "organizations[0].population：须为人数"),
    ({"organizations": [{"id": "SZ-X", "name": "x", "population": True}]},
     "organizations[0].population：须为人数"),
    ([1, 2], "$：文档须为 JSON 对象"),
])
def test_a_malformed_file_is_rejected_naming_path_and_field_and_changes_nothing(tmp_path, doc, message):
    make_small_tree()
    before = (list(Unit.objects.values_list("code", "path", "name")), AuditEntry.objects.count())
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, output = run_command("import", "popolo", str(path))
    assert code == 1
    err = output
    assert message in err and str(path) in err
    assert (list(Unit.objects.values_list("code", "path", "name")), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_a_file_without_population_keeps_the_recorded_figure(tmp_path):
    make_small_tree()
    Unit.objects.filter(code="SZ-FT").update(population=1_530_700)
    path = tmp_path / "units.json"
    for doc, expected in (({"id": "SZ-FT", "name": "福田区人民政府", "parent_id": "SZ"}, 1_530_700),
                          ({"id": "SZ-FT", "name": "福田区人民政府", "parent_id": "SZ", "population": 1_553_200}, 1_553_200)):
        path.write_text(json.dumps({"organizations": [doc]}, ensure_ascii=False), encoding="utf-8")
        assert run_command("import", "popolo", str(path))[0] == 0
        assert Unit.objects.get(code="SZ-FT").population == expected


@pytest.mark.django_db
def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"organizations": [\n  {"id": "A",}\n]}', encoding="utf-8")
    code, output = run_command("import", "popolo", str(path))
    assert code == 1
    assert "broken.json 第 2 行：不是有效的 JSON（第 " in output
    assert not Unit.objects.exists()


def test_export_command_writes_a_file(demo_city, tmp_path):
    out = tmp_path / "out.json"
    code, output = run_command("export", "popolo", "--output", str(out))
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == {"organizations", "persons", "posts", "memberships"}
    city = next(o for o in doc["organizations"] if o["id"] == "SZ")
    assert (city["name"], city["classification"], city["level"]) == ("深圳市人民政府", "government", "city")
    seen = set()
    for org in doc["organizations"]:  # parents come before their children
        assert org.get("parent_id") is None or org["parent_id"] in seen
        seen.add(org["id"])


def test_the_console_script_exits_non_zero_on_a_malformed_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"organizations": [{"id": 7}]}', encoding="utf-8")
    env = {**os.environ, "ZEREN_HOME": str(tmp_path)}
    env.pop("ZEREN_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "zeren.cli", "import", "popolo", str(path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "organizations[0].id：须为字符串，不是 int" in done.stderr
