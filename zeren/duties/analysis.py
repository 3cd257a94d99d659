"""Overlap and gap analysis of the catalogue (职能交叉、多头执法、有权无责、层级不符).

:func:`analyse_records` works on plain records (no database), so the benchmark and the tests
can feed it directly; :func:`analyse` loads the current catalogue and calls it.

Overlap is judged within one government — the city's departments among themselves, one
district's departments among themselves, one street's offices among themselves — plus
vertically between a city department and a department of a district of that city. The same
item in every district's list is normal and never compared (see :func:`rules.comparable`).

Multi-head enforcement and near-duplicates (:func:`overlaps`) are clusters, not pairs: items are read into
citations and the phrasing frame's action and object (:mod:`zeren.duties.rules`); candidate pairs of
distinct wordings come from a sparse product over the rarer object words and character pairs only (the frame
words every item shares are blocked out); each pair gets one explainable score from object, name, action,
basis and category evidence (:class:`rules.OverlapWeights`); pairs are joined into clusters best first, one
item per unit. See docs/duties.md.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings
from scipy.sparse import hstack

from zeren.duties import rules

CANDIDATES_PER_TEXT = 40
MAX_LISTED = 60  # items and links written into a cluster's evidence
BLOCKING_MAX_DF = 0.02  # features in more than 2 % of the texts do not propose candidates…
BLOCKING_MIN_DF = 50  # …unless in 50 texts or fewer (small lists: every shared word may propose)
LIST_UNIT_KINDS = ("department", "street_office")  # units expected to hold list items
MISSING = {"matters": "责任事项", "situations": "追责情形"}  # what an item without responsibility lacks (evidence)


@dataclass
class ItemRecord:
    code: str
    name: str
    category: str
    area: str
    level: str
    legal_basis: list[dict[str, str]]
    lead_units: list[str]
    assisting_units: list[str] = field(default_factory=list)
    has_matters: bool = True
    has_situations: bool = True
    parent: str = ""


@dataclass
class UnitRecord:
    code: str
    path: str
    kind: str
    level: str
    has_functions: bool = False


@dataclass
class Finding:
    kind: str
    items: list[str]
    summary: str
    evidence: dict[str, Any]
    units: list[str] = field(default_factory=list)
    scope_unit: str = ""
    score: float | None = None
    extra_key: str = ""
    summary_key: str = ""  # the summary as a message (duties/causes.py TITLES) and its parameters
    summary_params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        key = f"{self.kind}:{','.join(sorted(self.items))}:{','.join(sorted(self.units))}:{self.extra_key}"
        if len(key) <= 255:
            return key
        return f"{self.kind}:{len(self.items)}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"

    def as_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "items": self.items, "units": self.units, "summary": self.summary,
               "evidence": self.evidence}
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


@dataclass
class Report:
    findings: list[Finding]
    threshold: float
    stats: dict[str, Any]


def level_rules() -> list[dict[str, Any]]:
    """The city's level rule table (层级规则): ``ZEREN_DUTIES_LEVEL_RULES`` (a JSON file) or the default."""
    path = getattr(settings, "ZEREN_DUTIES_LEVEL_RULES", None) or Path(__file__).parent / "data" / "level_rules.json"
    return json.loads(Path(path).read_text(encoding="utf-8"))


class Context:
    """Where each unit sits: its government path and level."""

    def __init__(self, units: list[UnitRecord]) -> None:
        self.units = {u.code: u for u in units}
        kinds = {u.code: u.kind for u in units}
        self.gov = {u.code: rules.government_path(u.path, kinds) for u in units}
        self.gov_code = {code: path.strip("/").split("/")[-1] for code, path in self.gov.items()}

    def home(self, item: ItemRecord) -> tuple[str, str] | None:
        """(government path, level) of the item's first lead unit, else its first assisting unit."""
        for code in item.lead_units + item.assisting_units:
            if code in self.units:
                return self.gov[code], self.units[code].level
        return None

    def comparable(self, a: ItemRecord, b: ItemRecord) -> bool:
        ha, hb = self.home(a), self.home(b)
        return bool(ha and hb and rules.comparable(ha[0], ha[1], hb[0], hb[1]))

    def scope_of(self, codes: list[str]) -> str:
        """The unit a finding belongs to: the unit itself if one, else their common government."""
        codes = [c for c in codes if c in self.units]
        if not codes:
            return ""
        if len(set(codes)) == 1:
            return codes[0]
        govs = sorted({self.gov[c] for c in codes}, key=len)
        return govs[0].strip("/").split("/")[-1]


def analyse_records(items: list[ItemRecord], units: list[UnitRecord], *, threshold: float | None = None,
                    rule_table: list[dict[str, Any]] | None = None,
                    weights: rules.OverlapWeights = rules.DEFAULT_WEIGHTS) -> Report:
    if threshold is not None:
        weights = dataclasses.replace(weights, threshold=threshold)
    ctx = Context(units)
    findings: list[Finding] = []
    findings += several_leads(items, ctx)
    findings += orphans(items, units, ctx)
    findings += no_responsibility(items, ctx)
    findings += level_mismatch(items, ctx, level_rules() if rule_table is None else rule_table)
    clusters, stats = overlaps(items, ctx, weights=weights)
    findings += clusters
    stats["items"] = len(items)
    return Report(findings=findings, threshold=weights.threshold, stats=stats)


def _pairs(codes: list[str]) -> Iterator[tuple[str, str]]:
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            yield a, b


def _said(key: str, **params: Any) -> dict[str, Any]:
    """A finding's summary as a message: rendered in Chinese (``summary``) and kept as key and parameters,
    so the pages show it in the reader's language."""
    from zeren.findings.causes import titled

    title = titled(key, **params)
    return {"summary": title["title"], "summary_key": key, "summary_params": params}


def several_leads(items: list[ItemRecord], ctx: Context) -> list[Finding]:
    """多头管理: an item with several lead units (the same basis and action held by several units is
    found by :func:`overlaps`)."""
    return [
        Finding("multi_head", [i.code], **_said("duties.lead_units", item=i.name, n=len(i.lead_units)),
                evidence={"lead_units": i.lead_units}, units=i.lead_units, scope_unit=ctx.scope_of(i.lead_units))
        for i in items if len(i.lead_units) > 1
    ]


def _category_label(code: str) -> str:
    from zeren.duties.models import Category

    return str(dict(Category.choices).get(code, code))


def orphans(items: list[ItemRecord], units: list[UnitRecord], ctx: Context) -> list[Finding]:
    """无人负责: items without a lead unit; list-holding units whose statutory functions (三定) have no items."""
    out = [Finding("orphan", [i.code], **_said("duties.no_lead", item=i.name), evidence={"assisting_units": i.assisting_units},
                   units=i.assisting_units, scope_unit=ctx.scope_of(i.assisting_units))
           for i in items if not i.lead_units]
    holding = {u for i in items for u in i.lead_units + i.assisting_units}
    out += [Finding("orphan", [], **_said("duties.unit_without_items", unit=u.code), evidence={"unit": u.code},
                    units=[u.code], scope_unit=u.code)
            for u in units if u.kind in LIST_UNIT_KINDS and u.has_functions and u.code not in holding]
    return out


def no_responsibility(items: list[ItemRecord], ctx: Context) -> list[Finding]:
    """有权无责: an item with no responsibility matters (责任事项) or no accountability situations (追责情形)."""
    out = []
    for i in items:
        missing = [key for key, ok in (("matters", i.has_matters), ("situations", i.has_situations)) if not ok]
        if missing:
            out.append(Finding("no_responsibility", [i.code], **_said("duties.no_responsibility", item=i.name,
                                                                     missing=missing),
                               evidence={"missing": [MISSING[m] for m in missing]}, units=i.lead_units,
                               scope_unit=ctx.scope_of(i.lead_units)))
    return out


def level_mismatch(items: list[ItemRecord], ctx: Context, table: list[dict[str, Any]]) -> list[Finding]:
    """层级不符: items whose level or lead units break a rule of the city's level rule table."""
    out = []
    for i in items:
        leads = [ctx.units[c] for c in i.lead_units if c in ctx.units]
        content = {"level": i.level, "area": i.area, "category": i.category}
        for rule in table:
            if leads and rules.rule_matches(rule, content, [u.level for u in leads], [u.kind for u in leads]):
                out.append(Finding("level_mismatch", [i.code],
                                   **_said("duties.level_mismatch", item=i.name, message=rule["message"]),
                                   evidence={"rule": rule["id"], "basis": rule.get("basis", ""), "level": i.level,
                                    "lead_levels": [u.level for u in leads]},
                                   units=i.lead_units, scope_unit=ctx.scope_of(i.lead_units), extra_key=rule["id"]))
    return out


@dataclass
class _Text:
    """One distinct wording (name, category, cited articles) and the items written with it."""

    name: str
    category: str
    cites: frozenset[tuple[str, int, int, int]]
    action: str = ""
    object: str = ""
    words: str = ""  # the object with its wording evened out (rules.object_text)
    tokens: list[str] = field(default_factory=list)  # and cut into words
    items: list[ItemRecord] = field(default_factory=list)
    by_home: dict[tuple[str, str], list[ItemRecord]] = field(default_factory=dict)


def segmenter() -> Callable[[str], list[str]]:
    """jieba's word segmentation (its dictionary ships in the package; loaded once per process, ~1 s).
    Words, not only character pairs: 律师执业 and 医师执业 share the pair 师执 but no word."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return functools.lru_cache(maxsize=None)(functools.partial(jieba.lcut, HMM=False))


def _distinct_texts(items: list[ItemRecord], ctx: Context) -> list[_Text]:
    texts: dict[tuple[Any, ...], _Text] = {}
    for item in items:
        home = ctx.home(item)
        if home is None:
            continue
        cites = frozenset(rules.citations(item.legal_basis))
        key = (item.name, item.category, cites)
        text = texts.get(key)
        if text is None:
            text = texts[key] = _Text(item.name, item.category, cites)
        text.items.append(item)
        text.by_home.setdefault(home, []).append(item)
    out = list(texts.values())
    cut = segmenter()
    for text in out:
        text.action, text.object = rules.parse_frame(text.name, text.category)
        text.words = rules.object_text(text.object)
        text.tokens = rules.object_tokens(text.words, cut)
    return out


def _tfidf(docs: list[Any], rarity: float = 1.0, **options: Any) -> Any:
    """TF-IDF rows, unit length; ``rarity`` > 1 raises the weights to that power before normalising, so the
    rare words (the object: 出版物, 养老机构) outweigh the common ones (the frame: 经营, 信息, 单位)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    x = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **options).fit_transform(docs).tocsr()
    if rarity != 1.0:
        x.data **= rarity
        x = normalize(x, copy=False)
    return x


def _row_dots(x: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(len(a), dtype=np.float32)
    step = 200_000
    for s in range(0, len(a), step):
        out[s:s + step] = np.asarray(x[a[s:s + step]].multiply(x[b[s:s + step]]).sum(axis=1)).ravel()
    return out


def candidate_pairs(x: Any, per_text: int = CANDIDATES_PER_TEXT,
                    max_df: float = BLOCKING_MAX_DF) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows of ``x`` worth scoring: each row's ``per_text`` best neighbours by a sparse
    product over the rarer features only (document frequency ≤ ``max_df``), so the words every item
    shares (经营, 单位…) do not make every pair a candidate."""
    n = x.shape[0]
    empty = np.array([], dtype=np.int64)
    if n < 2:
        return empty, empty
    df = np.bincount(x.indices, minlength=x.shape[1])
    block = x[:, np.flatnonzero(df <= max(BLOCKING_MIN_DF, int(max_df * n)))].tocsr()
    xt = block.T.tocsr()
    rows, cols = [], []
    for start in range(0, n, 2000):
        product = (block[start:start + 2000] @ xt).tocsr()
        for r in range(product.shape[0]):
            lo, hi = product.indptr[r], product.indptr[r + 1]
            idx, val = product.indices[lo:hi], product.data[lo:hi]
            if hi - lo > per_text:
                idx = idx[np.argpartition(-val, per_text)[:per_text]]
            idx = idx[idx != start + r]
            rows.append(np.full(len(idx), start + r, dtype=np.int64))
            cols.append(idx.astype(np.int64))
    if not rows:
        return empty, empty
    a, b = np.concatenate(rows), np.concatenate(cols)
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


@dataclass
class _Edge:
    score: float
    kind: str
    x: ItemRecord
    y: ItemRecord
    evidence: dict[str, Any]


def overlaps(items: list[ItemRecord], ctx: Context, *, weights: rules.OverlapWeights = rules.DEFAULT_WEIGHTS,
             ) -> tuple[list[Finding], dict[str, Any]]:
    """多头执法 and 疑似重复 as clusters: one finding per function written by several units.

    Every pair of comparable items held by different units is scored from five kinds of evidence
    (:class:`rules.OverlapWeights`): the object read from the phrasing frame (its words and character pairs,
    rare ones weighing most, word order ignored: 设立养老机构 = 养老机构设立), the name's character n-grams, the action (审批 = 许可), the cited articles and the
    category. A pair that shares an article, has the same action and a similar object is multi-head
    enforcement (多头执法); any other pair at or above the threshold is a near-duplicate. Pairs are joined
    into clusters, best first, as long as no unit would hold two items of one cluster."""
    texts = _distinct_texts(items, ctx)
    n, w = len(texts), weights
    empty = np.array([], dtype=np.int64)
    a, b = empty, empty
    if n >= 2:
        words = _tfidf([t.tokens or [t.object] for t in texts], w.rarity, analyzer=lambda d: d)
        chars = _tfidf([t.words for t in texts], w.rarity, analyzer="char_wb", ngram_range=(2, 2))
        names = _tfidf([t.name for t in texts], analyzer="char", ngram_range=(2, 3))
        a, b = candidate_pairs(hstack([words, chars]).tocsr())
    edges: list[_Edge] = []
    if len(a):
        obj = w.object_words * _row_dots(words, a, b) + (1 - w.object_words) * _row_dots(chars, a, b)
        name = _row_dots(names, a, b)
        actions = sorted({t.action for t in texts})
        act_id = np.array([actions.index(t.action) for t in texts])
        table = np.array([[rules.action_agreement(p, q) for q in actions] for p in actions], dtype=np.float32)
        act = table[act_id[a], act_id[b]]
        cats = np.array([t.category for t in texts])
        cat = (cats[a] == cats[b]).astype(np.float32)
        partial = w.object * obj + w.name * name + w.action * act + w.category * cat
        possible = np.flatnonzero((partial + w.basis >= w.threshold)
                                  | ((act == 1) & (obj >= w.multi_head_object)))
        for k in possible.tolist():
            ti, tj = texts[a[k]], texts[b[k]]
            basis, shared = rules.basis_agreement(set(ti.cites), set(tj.cites))
            evidence = {"object": float(obj[k]), "name": float(name[k]), "action": float(act[k]),
                        "basis": basis, "category": float(cat[k])}
            score = w.score(evidence)
            multi = basis == 1.0 and act[k] == 1 and obj[k] >= w.multi_head_object
            if multi or score >= w.threshold:
                detail = {"evidence": evidence, "shared_basis": shared, "actions": [ti.action, tj.action],
                          "objects": [ti.object, tj.object]}
                edges += [_Edge(score, "multi_head" if multi else "near_duplicate", x, y, detail)
                          for x, y in _item_pairs(ti, tj)]
    for t in texts:  # the same wording held by several units
        if len(t.items) > 1:
            basis = 1.0 if any(c[1] for c in t.cites) else 0.0
            evidence = {"object": 1.0, "name": 1.0, "action": 1.0, "basis": basis, "category": 1.0}
            detail = {"evidence": evidence, "shared_basis": sorted({rules.format_citation(c[0], c[1]) for c in t.cites if c[1]}),
                      "actions": [t.action, t.action], "objects": [t.object, t.object]}
            edges += [_Edge(w.score(evidence), "multi_head" if basis == 1.0 else "near_duplicate", x, y, detail)
                      for x, y in _item_pairs(t, t)]
    edges.sort(key=lambda e: (-e.score, e.x.code, e.y.code))
    findings = _clusters([e for e in edges if e.kind == "multi_head"], ctx, "multi_head", w)
    together = {frozenset((x, y)) for f in findings for x, y in _pairs(f.items)}
    findings += _clusters([e for e in edges if e.kind == "near_duplicate"
                           and frozenset((e.x.code, e.y.code)) not in together], ctx, "near_duplicate", w)
    return findings, {"distinct_texts": n, "candidate_pairs": int(len(a)), "edges": len(edges),
                      "clusters": len(findings)}


def _link(edge: _Edge, weights: rules.OverlapWeights) -> dict[str, Any]:
    """One pair of a cluster as its finding shows it: the score, each evidence and what it contributed."""
    evidence = edge.evidence["evidence"]
    return {"items": [edge.x.code, edge.y.code], "score": round(edge.score, 4),
            **edge.evidence, "evidence": {key: round(v, 4) for key, v in evidence.items()},
            "contributions": weights.contributions(evidence)}


_comparable = functools.lru_cache(maxsize=None)(rules.comparable)  # a few hundred homes: cache every answer


def _holders(item: ItemRecord) -> list[str]:
    return item.lead_units or item.assisting_units


def _item_pairs(ti: _Text, tj: _Text) -> Iterator[tuple[ItemRecord, ItemRecord]]:
    """Item pairs of two wordings that may overlap: comparable homes (:func:`rules.comparable`), no common
    holder, not parent and child."""
    same = ti is tj
    for hi, xs in ti.by_home.items():
        for hj, ys in tj.by_home.items():
            if same and hj < hi or not _comparable(hi[0], hi[1], hj[0], hj[1]):
                continue
            for n, x in enumerate(xs):
                hx = _holders(x)
                for y in (ys[n + 1:] if same and hi == hj else ys):
                    if (x.parent != y.code and y.parent != x.code and x.code != y.code
                            and set(hx).isdisjoint(_holders(y))):
                        yield x, y


def _clusters(edges: list[_Edge], ctx: Context, kind: str, weights: rules.OverlapWeights) -> list[Finding]:
    """Join pairs into clusters, best pair first; two clusters join only if no unit holds items in both
    (one function written once per unit), which keeps a chain of look-alikes from growing without end."""
    parent: dict[str, str] = {}
    units: dict[str, set[str]] = {}
    links: dict[str, list[_Edge]] = {}
    record: dict[str, ItemRecord] = {}

    def root(code: str) -> str:
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for edge in edges:
        for item in (edge.x, edge.y):
            if item.code not in parent:
                parent[item.code], units[item.code], links[item.code] = item.code, set(_holders(item)), []
                record[item.code] = item
        rx, ry = root(edge.x.code), root(edge.y.code)
        if rx == ry or units[rx] & units[ry]:
            continue
        parent[ry] = rx
        units[rx] |= units.pop(ry)
        links[rx] += links.pop(ry) + [edge]
    members: dict[str, list[ItemRecord]] = defaultdict(list)
    for code in parent:
        members[root(code)].append(record[code])
    out = []
    for top, group in members.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda i: i.code)
        joined = links[top]
        unit_codes = sorted({u for i in group for u in _holders(i)})
        score = sum(e.score for e in joined) / len(joined)
        area = Counter(i.area for i in group).most_common(1)[0][0]
        shared = sorted({c for e in joined for c in e.evidence["shared_basis"]})
        first = joined[0]
        what = "、".join(shared[:2]) + " " if kind == "multi_head" and shared else ""
        said = (_said("duties.several_units", basis=what, item=first.x.name, n=len(group), units=len(unit_codes))
                if kind == "multi_head" else
                _said("duties.alike_many" if len(group) > 2 else "duties.alike", item=first.x.name,
                      other=first.y.name, n=len(group)))
        out.append(Finding(
            kind, [i.code for i in group], **said, evidence={"size": len(group), "area": area, "action": first.evidence["actions"][0], "shared_basis": shared,
             "names": {i.code: i.name for i in group[:MAX_LISTED]},
             "lead_units": {i.code: _holders(i) for i in group[:MAX_LISTED]},
             "links": [_link(e, weights) for e in joined[:MAX_LISTED]]},
            units=unit_codes, scope_unit=ctx.scope_of(unit_codes), score=float(score),
            extra_key="" if kind == "near_duplicate" else "basis",
        ))
    out.sort(key=lambda f: (-(f.score or 0), -len(f.items), f.items))
    return out


# --- the database side -----------------------------------------------------------------------


def load_records() -> tuple[list[ItemRecord], list[UnitRecord]]:
    """The current catalogue and the unit tree as plain records (two queries)."""
    from zeren.duties.models import ItemVersion
    from zeren.org.models import Unit

    items = [
        ItemRecord(code=c["code"], name=c["name"], category=c["category"], area=c["area"], level=c["level"],
                   legal_basis=c["legal_basis"], lead_units=c["lead_units"], assisting_units=c["assisting_units"],
                   has_matters=bool(c["responsibility_matters"]), has_situations=bool(c["accountability_situations"]),
                   parent=c.get("parent", ""))
        for c in ItemVersion.objects.filter(ended_by__isnull=True).values_list("content", flat=True)
        .iterator(chunk_size=2000)
    ]
    units = [UnitRecord(code=code, path=path, kind=kind, level=level, has_functions=bool(functions))
             for code, path, kind, level, functions in Unit.objects.values_list("code", "path", "kind", "level",
                                                                                 "functions")]
    return items, units


def analyse(threshold: float | None = None) -> Report:
    items, units = load_records()
    return analyse_records(items, units, threshold=threshold)


def findings_jsonl(report: Report) -> Iterator[str]:
    for finding in report.findings:
        yield json.dumps(finding.as_json(), ensure_ascii=False)


def findings_xlsx(report: Report, out: Path | IO[bytes]) -> None:
    """The analysis as an Excel report: one row per finding (cells escaped by :mod:`zeren.core.exports`)."""
    from zeren.core.exports import write_xlsx
    from zeren.duties.models import FindingKind

    labels = dict(FindingKind.choices)
    rows: list[list[Any]] = [["类型", "事项编码", "单位", "相似度", "摘要", "证据"]]
    rows += [[str(labels[f.kind]), "、".join(f.items), "、".join(f.units),
              round(f.score, 4) if f.score is not None else None, f.summary,
              json.dumps(f.evidence, ensure_ascii=False)] for f in report.findings]
    data = write_xlsx({"分析结果": rows})
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)
