"""Overlap and gap analysis of the catalogue (职能交叉、多头执法、有权无责、层级不符).

:func:`analyse_records` works on plain records (no database), so the benchmark and the tests
can feed it directly; :func:`analyse` loads the current catalogue and calls it.

Overlap is judged within one government — the city's departments among themselves, one
district's departments among themselves, one street's offices among themselves — plus
vertically between a city department and a department of a district of that city. The same
item in every district's list is normal and never compared (see :func:`rules.comparable`).

Near-duplicates: character 2–3-gram TF-IDF over the name and the laws, on *distinct* texts
(an item replicated in ten districts is one text); candidates come from a sparse product over
the rarer n-grams only (frequent frame words like 「对…的处罚」 are blocked out), then each
candidate pair is rescored with the full cosine and kept if at or above the threshold.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings

from zeren.duties import rules

DEFAULT_THRESHOLD = 0.5
TOP_K = 5
CANDIDATES_PER_TEXT = 40
BLOCKING_MAX_DF = 0.02  # n-grams in more than 2 % of the texts do not propose candidates
LIST_UNIT_KINDS = ("department", "street_office")  # units expected to hold list items


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

    @property
    def key(self) -> str:
        key = f"{self.kind}:{','.join(sorted(self.items))}:{','.join(sorted(self.units))}:{self.extra_key}"
        return key[:255]

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
                    rule_table: list[dict[str, Any]] | None = None, top_k: int = TOP_K) -> Report:
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    ctx = Context(units)
    findings: list[Finding] = []
    multi = multi_head(items, ctx)
    findings += multi
    findings += orphans(items, units, ctx)
    findings += no_responsibility(items, ctx)
    findings += level_mismatch(items, ctx, level_rules() if rule_table is None else rule_table)
    covered = {frozenset(pair) for f in multi for pair in _pairs(f.items)}
    near, stats = near_duplicates(items, ctx, threshold=threshold, top_k=top_k, covered=covered)
    findings += near
    stats["items"] = len(items)
    return Report(findings=findings, threshold=threshold, stats=stats)


def _pairs(codes: list[str]) -> Iterator[tuple[str, str]]:
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            yield a, b


def multi_head(items: list[ItemRecord], ctx: Context) -> list[Finding]:
    """多头管理: an item with several lead units; and the same legal basis and action (category)
    held by different units of one government, or by a city and a district department."""
    out = [
        Finding("multi_head", [i.code], f"{i.name}：{len(i.lead_units)} 个牵头单位", {"lead_units": i.lead_units},
                units=i.lead_units, scope_unit=ctx.scope_of(i.lead_units))
        for i in items if len(i.lead_units) > 1
    ]
    groups: dict[Any, list[ItemRecord]] = defaultdict(list)
    for item in items:
        key = rules.matter_key({"category": item.category, "legal_basis": item.legal_basis})
        if key and item.lead_units:
            groups[key].append(item)
    for key, group in groups.items():
        if len({tuple(i.lead_units) for i in group}) < 2:
            continue
        by_gov: dict[str, list[ItemRecord]] = defaultdict(list)
        for item in group:
            home = ctx.home(item)
            if home:
                by_gov[home[0]].append(item)
        clusters = [g for g in by_gov.values() if len({tuple(i.lead_units) for i in g}) > 1]
        city_govs = [gov for gov, g in by_gov.items() if ctx.home(g[0])[1] == "city"]
        for gov, g in by_gov.items():
            for city in city_govs:
                if gov != city and gov.startswith(city) and ctx.home(g[0])[1] == "district":
                    clusters.append(by_gov[city] + g)
        for cluster in clusters:
            units = sorted({u for i in cluster for u in i.lead_units})
            law = "、".join(f"《{law}》{art}" for law, art in key[1])
            out.append(Finding(
                "multi_head", sorted(i.code for i in cluster),
                f"{law} 同一{_category_label(key[0])}由 {len(units)} 个单位分别实施",
                {"legal_basis": [list(b) for b in key[1]], "category": key[0],
                 "names": {i.code: i.name for i in cluster}, "lead_units": units,
                 "vertical": len({ctx.home(i)[1] for i in cluster}) > 1},
                units=units, scope_unit=ctx.scope_of(units), extra_key="basis",
            ))
    return out


def _category_label(code: str) -> str:
    from zeren.duties.models import Category

    return str(dict(Category.choices).get(code, code))


def orphans(items: list[ItemRecord], units: list[UnitRecord], ctx: Context) -> list[Finding]:
    """无人负责: items without a lead unit; list-holding units whose statutory functions (三定) have no items."""
    out = [Finding("orphan", [i.code], f"{i.name}：没有牵头单位", {"assisting_units": i.assisting_units},
                   units=i.assisting_units, scope_unit=ctx.scope_of(i.assisting_units))
           for i in items if not i.lead_units]
    holding = {u for i in items for u in i.lead_units + i.assisting_units}
    out += [Finding("orphan", [], f"{u.code}：有法定职责但清单中没有事项", {"unit": u.code}, units=[u.code],
                    scope_unit=u.code)
            for u in units if u.kind in LIST_UNIT_KINDS and u.has_functions and u.code not in holding]
    return out


def no_responsibility(items: list[ItemRecord], ctx: Context) -> list[Finding]:
    """有权无责: an item with no responsibility matters (责任事项) or no accountability situations (追责情形)."""
    out = []
    for i in items:
        missing = [label for label, ok in (("责任事项", i.has_matters), ("追责情形", i.has_situations)) if not ok]
        if missing:
            out.append(Finding("no_responsibility", [i.code], f"{i.name}：缺少{'、'.join(missing)}",
                               {"missing": missing}, units=i.lead_units, scope_unit=ctx.scope_of(i.lead_units)))
    return out


def level_mismatch(items: list[ItemRecord], ctx: Context, table: list[dict[str, Any]]) -> list[Finding]:
    """层级不符: items whose level or lead units break a rule of the city's level rule table."""
    out = []
    for i in items:
        leads = [ctx.units[c] for c in i.lead_units if c in ctx.units]
        content = {"level": i.level, "area": i.area, "category": i.category}
        for rule in table:
            if leads and rules.rule_matches(rule, content, [u.level for u in leads], [u.kind for u in leads]):
                out.append(Finding("level_mismatch", [i.code], f"{i.name}：{rule['message']}",
                                   {"rule": rule["id"], "basis": rule.get("basis", ""), "level": i.level,
                                    "lead_levels": [u.level for u in leads]},
                                   units=i.lead_units, scope_unit=ctx.scope_of(i.lead_units), extra_key=rule["id"]))
    return out


def similar_text_pairs(texts: list[str], threshold: float, per_text: int = CANDIDATES_PER_TEXT,
                       max_df: float = BLOCKING_MAX_DF) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) of distinct texts whose char 2–3-gram TF-IDF cosine is ≥ ``threshold``.

    Candidates: each text's ``per_text`` best neighbours over the rare n-grams (df ≤ ``max_df``);
    then the full cosine of every candidate pair."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if n < 2:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32).fit_transform(texts)
    x = x.tocsr()
    df = np.bincount(x.indices, minlength=x.shape[1])
    rare = np.flatnonzero(df <= max(2, int(max_df * n)))
    block = x[:, rare].tocsr()
    xt = block.T.tocsr()
    rows, cols = [], []
    chunk = 2000
    for start in range(0, n, chunk):
        product = (block[start:start + chunk] @ xt).tocsr()
        for r in range(product.shape[0]):
            lo, hi = product.indptr[r], product.indptr[r + 1]
            if hi == lo:
                continue
            idx, val = product.indices[lo:hi], product.data[lo:hi]
            if hi - lo > per_text:
                keep = np.argpartition(-val, per_text)[:per_text]
                idx = idx[keep]
            i = start + r
            idx = idx[idx > i]
            rows.append(np.full(len(idx), i, dtype=np.int64))
            cols.append(idx.astype(np.int64))
    if not rows:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    a, b = np.concatenate(rows), np.concatenate(cols)
    scores = np.empty(len(a), dtype=np.float32)
    step = 200_000
    for s in range(0, len(a), step):
        scores[s:s + step] = np.asarray(x[a[s:s + step]].multiply(x[b[s:s + step]]).sum(axis=1)).ravel()
    keep = scores >= threshold
    return a[keep], b[keep], scores[keep]


def near_duplicates(items: list[ItemRecord], ctx: Context, *, threshold: float, top_k: int,
                    covered: set[frozenset[str]]) -> tuple[list[Finding], dict[str, Any]]:
    """疑似重复: pairs of items of the same category (the same kind of power) held by different units,
    comparable (same government or vertical), whose texts are similar. Per item, at most one match in
    any other unit (its best) and ``top_k`` in all; pairs already reported as multi-head are left out."""
    groups: dict[tuple[str, str], list[ItemRecord]] = defaultdict(list)  # (category, text) → items
    for item in items:
        if item.lead_units or item.assisting_units:
            groups[(item.category, rules.similarity_text(item.name, item.legal_basis))].append(item)
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in groups:
        by_category[key[0]].append(key)
    candidates: list[tuple[float, ItemRecord, ItemRecord]] = []
    for keys in by_category.values():
        a, b, scores = similar_text_pairs([k[1] for k in keys], threshold)
        for i, j, s in zip(a.tolist(), b.tolist(), scores.tolist(), strict=True):
            candidates += [(s, x, y) for x in groups[keys[i]] for y in groups[keys[j]]]
    for group in groups.values():  # the same text held by several units
        candidates += [(1.0, x, y) for k, x in enumerate(group) for y in group[k + 1:]]
    candidates.sort(key=lambda c: (-c[0], c[1].code, c[2].code))
    per_item: dict[str, int] = defaultdict(int)
    matched_in: set[tuple[str, tuple[str, ...]]] = set()  # (item, other unit set) already given its best match
    out = []
    for score, x, y in candidates:
        ux, uy = tuple(sorted(x.lead_units or x.assisting_units)), tuple(sorted(y.lead_units or y.assisting_units))
        if (set(ux) & set(uy) or x.parent == y.code or y.parent == x.code or (x.code, uy) in matched_in
                or (y.code, ux) in matched_in or not ctx.comparable(x, y)):
            continue
        if frozenset((x.code, y.code)) in covered:  # already a multi-head finding: that is their best match
            matched_in |= {(x.code, uy), (y.code, ux)}
            continue
        if per_item[x.code] >= top_k or per_item[y.code] >= top_k:
            continue
        per_item[x.code] += 1
        per_item[y.code] += 1
        matched_in |= {(x.code, uy), (y.code, ux)}
        first, second = sorted((x, y), key=lambda r: r.code)
        units = sorted(set(first.lead_units + second.lead_units))
        out.append(Finding(
            "near_duplicate", [first.code, second.code], f"{first.name} ≈ {second.name}",
            {"names": [first.name, second.name],
             "texts": [rules.similarity_text(first.name, first.legal_basis),
                       rules.similarity_text(second.name, second.legal_basis)],
             "lead_units": [first.lead_units, second.lead_units]},
            units=units, scope_unit=ctx.scope_of(units), score=float(score),
        ))
    return out, {"distinct_texts": len(groups), "candidate_pairs": len(candidates)}


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
