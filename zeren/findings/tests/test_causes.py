"""Finding causes carry labels (问题类型): each producer declares the causes it raises, in Chinese
and English, and findings refuse a cause nobody declared.

The producers and their raise sites are found by reading the source (every module outside tests
that raises through ``zeren.findings.actions``), not listed here, so a new producer or a new
cause is checked the day it is written.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from zeren.findings import causes
from zeren.findings.actions import FindingSpec, do_raise_finding, do_raise_findings
from zeren.findings.causes import UnknownCause
from zeren.findings.models import Finding
from zeren.org.testing import make_small_tree, make_user

ZEREN = Path(causes.__file__).resolve().parent.parent
RAISERS = {"do_raise_finding", "do_raise_findings", "FindingSpec"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _modules() -> list[tuple[str, str, ast.Module]]:
    """``(app label, dotted module, tree)`` of every zeren module outside tests, migrations and findings."""
    found = []
    for path in sorted(ZEREN.rglob("*.py")):
        parts = path.relative_to(ZEREN.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[1] == "findings":
            continue
        found.append((parts[1], ".".join(p for p in parts if p != "__init__"), ast.parse(path.read_text("utf-8"))))
    return found


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """Each node of ``tree`` → its innermost enclosing function (or the module)."""
    found: dict[ast.AST, ast.AST] = {}
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    while stack:
        node, func = stack.pop()
        for child in ast.iter_child_nodes(node):
            found[child] = func
            stack.append((child, child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else func))
    return found


def _raise_sites() -> list[tuple[str, str, ast.AST, ast.AST, ast.Module]]:
    """``(app, module, cause expression, enclosing function, module tree)`` of every ``cause=`` given
    to a raising action or a :class:`FindingSpec`."""
    sites = []
    for app, module, tree in _modules():
        enclosing = _enclosing(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in RAISERS:
                sites += [(app, module, k.value, enclosing[node], tree) for k in node.keywords if k.arg == "cause"]
    return sites


def _values(expr: ast.AST, func: ast.AST, tree: ast.Module, namespace: dict) -> list[str | re.Pattern] | None:
    """What a cause expression can be: literal codes, patterns for f-strings, names evaluated in the
    module, a local assigned from one of those, or a local helper's parameter followed to its call
    sites. ``None`` when it cannot be told from the source (a loop variable over data)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in expr.values]
        return [re.compile("".join(parts))]
    try:
        value = eval(compile(ast.Expression(expr), "<cause>", "eval"), dict(namespace))  # noqa: S307 — our own source
        if isinstance(value, str):
            return [value]
    except Exception:  # a local name: look for what it is bound to below
        pass
    if not isinstance(expr, ast.Name) or not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    bound = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
    if bound:
        found = [_values(value, func, tree, namespace) for value in bound]
        return None if any(f is None for f in found) else [v for f in found for v in f]
    params = [a.arg for a in func.args.args]
    if expr.id not in params:
        return None
    position = params.index(expr.id)
    values: list[str | re.Pattern] = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n) == func.name]
    for call in calls:
        arg = next((k.value for k in call.keywords if k.arg == expr.id), None)
        arg = arg if arg is not None else (call.args[position] if position < len(call.args) else None)
        if arg is None:
            return None
        holders = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                   and f is not func and any(c is call for c in ast.walk(f))]
        parent = min(holders, key=lambda f: len(list(ast.walk(f))), default=tree)  # the innermost
        found = _values(arg, parent, tree, namespace)
        if found is None:
            return None
        values += found
    return values or None


def test_every_producer_declares_causes_and_each_has_a_chinese_and_an_english_label():
    registry = causes.registry()
    producers = {app for app, *_ in _raise_sites()}
    assert {"supervision", "duties", "targets", "evaluation", "accountability", "oversight"} <= producers
    declaring = {app for app, _label in registry.values()}
    assert producers <= declaring, f"apps raising findings without a causes.py: {producers - declaring}"
    for cause, (app, label) in registry.items():
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        assert CJK.search(chinese) and chinese != cause, (app, cause, chinese)
        assert english and not CJK.search(english) and english != cause, (app, cause, english)


def test_every_cause_a_raise_site_can_give_is_declared_by_its_app():
    registry = causes.registry()
    unresolved, checked = [], 0
    for app, module, expr, func, tree in _raise_sites():
        values = _values(expr, func, tree, vars(import_module(module)))
        if values is None:
            unresolved.append(f"{module}:{expr.lineno}")
            continue
        own = [c for c, (a, _label) in registry.items() if a == app]
        for value in values:
            checked += 1
            if isinstance(value, str):
                assert value in own, f"{module}:{expr.lineno} raises {value!r}, which {app}/causes.py does not declare"
            else:
                assert any(value.fullmatch(c) for c in own), f"{module}:{expr.lineno}: no declared cause fits {value.pattern}"
    assert checked >= 15
    # What the source cannot tell — today the alert types a scan found and the issues of ``targets
    # check``, both loop variables — the guard below refuses at run time if undeclared, and the
    # producers' own tests raise through those paths.
    assert len(unresolved) <= 2, unresolved


@pytest.mark.django_db
def test_a_cause_nobody_declared_is_refused_and_nothing_is_written():
    unit = make_small_tree()["market"]
    with pytest.raises(UnknownCause, match="no_such_cause"):
        do_raise_finding(actor=None, dedupe_key="x:1", cause="no_such_cause", source_app="supervision", title="t",
                         unit=unit, evidence_type="t", evidence_id="1")
    spec = FindingSpec(dedupe_key="x:2", cause="supervision.nothing", source_app="supervision", title="t",
                       unit_id=unit.pk, evidence_type="t", evidence_id="2")
    with pytest.raises(UnknownCause):
        do_raise_findings(actor=None, specs=[spec])
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_the_inbox_its_filter_and_its_export_show_labels_not_codes(client):
    tree = make_small_tree()
    client.force_login(make_user("o", "supervision_officer", tree["city"], unit=tree["supervision"]))
    declared = causes.registry()
    for n, (cause, (app, _label)) in enumerate(declared.items()):  # one finding of every declared cause
        do_raise_finding(actor=None, dedupe_key=f"{app}:{cause}:{n}", cause=cause, source_app=app, title=f"标题{n}",
                         unit=tree["market"], evidence_type="test.record", evidence_id=str(n))
    with translation.override("zh-hans"):
        chinese = causes.labels()
    page = client.get("/accountability/inbox/", {"status": "open"}).content.decode()
    export = client.get("/accountability/inbox/export.csv", {"status": "open"}).content.decode("utf-8-sig")
    exported = {row[2] for row in list(csv.reader(io.StringIO(export)))[1:]}
    findings_page = client.get("/findings/").content.decode()
    for cause in declared:
        label = escape(chinese[cause])
        assert f'<option value="{cause}">{label}</option>' in page, cause
        assert f">{label}</span>" in page and f">{label}</span>" in findings_page, cause
        assert chinese[cause] in exported, cause
    with translation.override("en"):
        english = causes.labels()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accountability/inbox/", {"status": "open"}).content.decode()
    for cause in declared:
        assert f'<option value="{cause}">{escape(english[cause])}</option>' in page, cause
