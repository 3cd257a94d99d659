"""Pure rules of the function catalogue (权责清单): parsing, versions, diffs, overlap keys, level rules.

Legal sources:
- 中共中央办公厅 国务院办公厅《关于推行地方各级政府工作部门权责清单制度的指导意见》（中办发〔2015〕21号）:
  every power is listed with its legal basis (设定依据), implementing body (实施主体), responsibility
  matters (责任事项) and accountability situations (追责情形); overlapping powers are to be cleared up
  (理顺职责关系) and powers without responsibilities are not allowed (权责一致).
- 国务院《关于深化行政管理体制改革的意见》（2008）: the four government functions 经济调节、市场监管、社会管理、公共服务.
- 中共中央 国务院《关于加强基层治理体系和治理能力现代化建设的意见》（2021）: streets concentrate on public
  service, public management and public safety; their investment-promotion and economic tasks are cut
  back (the level rule table in ``data/level_rules.json``).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from zeren.duties.models import Area, Category, ChangeKind
from zeren.org.models import Level

# JSON import/export keys, in the order of the published column layout.
CONTENT_KEYS = (
    "code", "name", "category", "area", "level", "legal_basis", "lead_units", "assisting_units",
    "responsibility_matters", "accountability_situations", "parent",
)
LIST_SEPARATORS = re.compile(r"[、;；,，\n]+")
_NUMBERING = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、．）)]\s*")
_BASIS = re.compile(r"《(?P<law>[^》]+)》\s*(?P<article>(?:第[^：:《》\s]+?[条款项])*)\s*[：:]?\s*(?P<text>[^《]*)")


def parse_choice(value: Any, choices: type, field_label: str) -> str:
    """A choice given by its code (``licensing``), its Chinese label (行政许可) or its English label.

    The labels are read in both languages whatever the user's UI language, so a file means the
    same thing whoever imports it. ``ValueError`` otherwise, listing the labels in the UI language.
    """
    text = str(value or "").strip()
    accepted = _accepted_labels(choices)
    if text in accepted:
        return accepted[text]
    allowed = _("、").join(str(label) for _code, label in choices.choices)
    raise ValueError(_("%(field)s「%(value)s」不在允许值内（%(allowed)s）") % {
        "field": field_label, "value": text, "allowed": allowed})


@functools.cache
def _accepted_labels(choices: type) -> dict[str, str]:
    """Label (Chinese and English) or code → code, built once per choices class: switching languages for
    each cell cost ten times the rest of an import's checks (translations do not change while running)."""
    accepted: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            accepted.update({str(label): code for code, label in choices.choices})
    accepted.update({code: code for code, _label in choices.choices})
    return accepted


def parse_legal_basis(value: Any) -> list[dict[str, str]]:
    """设定依据 as a list of ``{law, article, text}``.

    Accepts the JSON form (a list of dicts or strings) or the published text form
    ``《中华人民共和国食品安全法》第三十五条：…``, several laws one after another.
    """
    if isinstance(value, list):
        out: list[dict[str, str]] = []
        for part in value:
            if isinstance(part, dict):
                out.append({"law": str(part.get("law", "")).strip(), "article": str(part.get("article", "")).strip(),
                            "text": str(part.get("text", "")).strip()})
            else:
                out.extend(parse_legal_basis(str(part)))
        return out
    text = str(value or "").strip()
    if not text:
        return []
    found = [
        {"law": m["law"].strip(), "article": m["article"].strip(), "text": m["text"].strip().rstrip("；;\n ")}
        for m in _BASIS.finditer(text)
    ]
    return found or [{"law": "", "article": "", "text": text}]


def format_legal_basis(basis: list[dict[str, str]]) -> str:
    """The text form of 设定依据, one law a line (the inverse of :func:`parse_legal_basis`)."""
    lines = []
    for b in basis:
        head = f"《{b['law']}》{b.get('article', '')}" if b.get("law") else ""
        text = b.get("text", "")
        lines.append(f"{head}：{text}" if head and text else head or text)
    return "\n".join(lines)


def parse_list(value: Any) -> list[str]:
    """A numbered multi-line cell (``1. 受理责任：…``) or a JSON list as a list of strings."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    lines = (_NUMBERING.sub("", line).strip() for line in str(value or "").splitlines())
    return [line for line in lines if line]


def format_list(values: list[str]) -> str:
    return "\n".join(f"{i}. {v}" for i, v in enumerate(values, 1))


def parse_codes(value: Any) -> list[str]:
    """Unit codes from a list or a cell separated by 、；, or new lines, order kept, duplicates dropped."""
    parts = value if isinstance(value, list) else LIST_SEPARATORS.split(str(value or ""))
    seen: dict[str, None] = {}
    for part in parts:
        if str(part).strip():
            seen.setdefault(str(part).strip(), None)
    return list(seen)


def check_item(row: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The canonical content of an item (the JSON export form) and every problem of the row, each naming
    its field (JSON key), in the UI language; the content holds what could be read."""
    errors: list[FieldError] = []
    code = str(row.get("code") or "").strip()
    name = str(row.get("name") or "").strip()
    if not code:
        errors.append(FieldError("code", _("事项编码不能为空")))
    if not name:
        errors.append(FieldError("name", _("事项名称不能为空")))
    content: dict[str, Any] = {"code": code, "name": name}
    for key, choices, label in (("category", Category, _("事项类别")), ("area", Area, _("职能领域")),
                                ("level", Level, _("层级"))):
        try:
            content[key] = parse_choice(row.get(key), choices, label)
        except ValueError as exc:
            errors.append(FieldError(key, str(exc)))
    content["legal_basis"] = parse_legal_basis(row.get("legal_basis"))
    content["lead_units"] = parse_codes(row.get("lead_units"))
    content["assisting_units"] = [c for c in parse_codes(row.get("assisting_units")) if c not in content["lead_units"]]
    content["responsibility_matters"] = parse_list(row.get("responsibility_matters"))
    content["accountability_situations"] = parse_list(row.get("accountability_situations"))
    content["parent"] = str(row.get("parent") or "").strip()
    if code and content["parent"] == code:
        errors.append(FieldError("parent", _("上级事项不能是事项本身")))
    return content, errors


def item_content(row: dict[str, Any]) -> dict[str, Any]:
    """The canonical content of an item, validated; the first :class:`FieldError` of :func:`check_item` if any."""
    content, errors = check_item(row)
    if errors:
        raise errors[0]
    return content


class FieldError(ValueError):
    """A row value that is not acceptable, naming the field (JSON key)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def classify_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """新增 / 取消 / 划转 (lead units changed) / 变更 (anything else); ``None`` if nothing changed."""
    if before is None and after is None:
        return None
    if before is None:
        return ChangeKind.ADDED
    if after is None:
        return ChangeKind.REMOVED
    if before == after:
        return None
    if sorted(before.get("lead_units", [])) != sorted(after.get("lead_units", [])):
        return ChangeKind.TRANSFERRED
    return ChangeKind.CHANGED


def diff_catalogues(old: dict[str, dict], new: dict[str, dict]) -> dict[str, list[dict[str, Any]]]:
    """What changed between two catalogue states (code → content): added, removed, transferred, changed.

    Each entry carries the code, both contents and, for changes, the keys that differ.
    """
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in ("added", "removed", "transferred", "changed")}
    for code in sorted(set(old) | set(new)):
        before, after = old.get(code), new.get(code)
        kind = classify_change(before, after)
        if kind is None:
            continue
        fields = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
        out[str(kind)].append({"code": code, "before": before, "after": after, "fields": fields})
    return out


def government_path(path: str, kind_by_code: dict[str, str]) -> str:
    """The path of the government a unit belongs to (本级政府): its nearest ancestor-or-self that is a
    people's government or a street office. Overlap is judged among the units of one government."""
    codes = [c for c in path.strip("/").split("/") if c]
    for i in range(len(codes), 0, -1):
        if kind_by_code.get(codes[i - 1]) in ("government", "street_office"):
            return "/" + "/".join(codes[:i]) + "/"
    return "/" + (codes[0] + "/" if codes else "")


def comparable(gov_a: str, level_a: str, gov_b: str, level_b: str) -> bool:
    """Whether two units' items may overlap: same government, or a city department against a
    department of a district of that city (vertical, 上下级同责). Two districts never overlap —
    each district's market regulator holding the same powers is normal."""
    if gov_a == gov_b:
        return True
    levels = {level_a, level_b}
    if levels == {Level.CITY, Level.DISTRICT}:
        city, district = (gov_a, gov_b) if level_a == Level.CITY else (gov_b, gov_a)
        return district.startswith(city)
    return False


def matter_key(content: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """Same legal basis and same action (多头执法): category plus the set of (law, article); ``None`` without a basis."""
    basis = tuple(sorted({(b["law"], b["article"]) for b in content.get("legal_basis", []) if b.get("law")}))
    if not basis:
        return None
    return content["category"], basis


def similarity_text(name: str, legal_basis: list[dict[str, str]]) -> str:
    """The text compared for near-duplicates: the name and the laws it rests on (articles are too generic)."""
    laws = " ".join(sorted({_short_law(b.get("law", "")) for b in legal_basis if b.get("law")}))
    return f"{name} {laws}".strip()


def _short_law(law: str) -> str:
    return law.removeprefix("中华人民共和国")


def highlight(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts cut into ``(segment, matched)`` runs, for marking the matching parts of a pair."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            left.append((a[i1:i2], same))
        if j2 > j1:
            right.append((b[j1:j2], same))
    return left, right


def rule_matches(rule: dict[str, Any], item: dict[str, Any], lead_levels: Iterable[str],
                 lead_kinds: Iterable[str]) -> bool:
    """Does a level rule (层级规则) fire for an item? A rule's ``when`` holds lists of allowed values for
    ``level`` / ``area`` / ``category`` of the item and ``lead_level`` / ``lead_kind`` of its lead units;
    every key given must match (for lead units: any one of them)."""
    when = rule.get("when", {})
    for key in ("level", "area", "category"):
        if key in when and item.get(key) not in when[key]:
            return False
    if "lead_level" in when and not set(lead_levels) & set(when["lead_level"]):
        return False
    if "lead_kind" in when and not set(lead_kinds) & set(when["lead_kind"]):
        return False
    # "level_differs_from_lead": fires only when some lead unit sits at another level than the item.
    return not (when.get("level_differs_from_lead") and not set(lead_levels) - {item.get("level")})


# --- reading items for the overlap analysis: citations, phrasing frames, evidence ----------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[零〇一二两三四五六七八九十百千\d]+"
_CITATION = re.compile(
    rf"第\s*({_NUM})\s*条(?:\s*之\s*({_NUM}))?(?:\s*第\s*({_NUM})\s*款)?(?:\s*第\s*[（(]?\s*({_NUM})\s*[)）]?\s*项)?")
_EDITION = re.compile(r"[（(][^（）()]*(?:修正|修订|修改|施行|年)[^（）()]*[)）]")


def chinese_number_value(text: str) -> int | None:
    """第一百二十二条 → 122: a Chinese (or Arabic) article number as an int; ``None`` if it is neither."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit if text else None


def normalise_law(law: str) -> str:
    """《中华人民共和国食品安全法》（2021年修正） → 食品安全法: the law's short name, as people cite it."""
    law = unicodedata.normalize("NFKC", law or "").strip().strip("《》<> ")
    law = _EDITION.sub("", law).replace(" ", "")
    return law.removeprefix("中华人民共和国")


def citations(legal_basis: list[dict[str, str]]) -> set[tuple[str, int, int, int]]:
    """Every provision cited by a 设定依据 as ``(law, article, paragraph, item)`` with numbers as ints
    (第一百二十二条第二款第（三）项 = 第122条第2款第3项 → (law, 122, 2, 3); 0 where no 款 or 项 is named;
    第十条之一 counts as article 10.1 → 10_001). A basis naming a law but no article gives ``(law, 0, 0, 0)``."""
    out: set[tuple[str, int, int, int]] = set()
    for b in legal_basis:
        out |= _provisions(b.get("law", "") or "", b.get("article", "") or "", (b.get("text", "") or "")[:40])
    return out


@functools.lru_cache(maxsize=65536)
def _provisions(law: str, article: str, text: str) -> frozenset[tuple[str, int, int, int]]:
    """:func:`citations` of one basis entry (cached: a list repeats the same citations thousands of times)."""
    out: set[tuple[str, int, int, int]] = set()
    law = normalise_law(law)
    if law:
        where = unicodedata.normalize("NFKC", article)
        found = list(_CITATION.finditer(where)) or list(_CITATION.finditer(
            _EDITION.sub("", unicodedata.normalize("NFKC", text))[:24]))
        for m in found:
            number = chinese_number_value(m[1]) or 0
            if m[2]:
                number = number * 1000 + (chinese_number_value(m[2]) or 0)
            out.add((law, number, chinese_number_value(m[3] or "") or 0, chinese_number_value(m[4] or "") or 0))
        if not found:
            out.add((law, 0, 0, 0))
    return frozenset(out)


def format_citation(law: str, article: int) -> str:
    main, sub = divmod(article, 1000) if article >= 1000 else (article, 0)
    return f"《{law}》第{main}条" + (f"之{sub}" if sub else "") if article else f"《{law}》"


# Canonical actions (行为) and the words that name them in item names. Order matters: the first match wins.
ACTIONS = {
    "licensing": "许可", "penalty": "处罚", "coercion": "强制", "levy": "征收", "payment": "给付",
    "inspection": "检查", "confirmation": "确认", "reward": "奖励", "adjudication": "裁决",
    "other_power": "其他", "public_service": "服务",
}
_ACTION_WORDS = "|".join([
    "行政处罚", "处罚", "罚款",
    "日常监督检查", "监督检查", "监督管理", "监管", "检查", "抽查", "巡查", "督查",
    "许可证核发", "许可证的核发", "许可证审批", "许可证的审批", "许可证办理", "许可证", "审批", "许可", "核准", "批准",
    "核发", "审核",
    "查封、扣押", "查封扣押", "查封", "扣押", "强制措施", "强制执行",
    "备案", "登记", "确认", "认定",
    "表彰奖励", "表彰", "奖励",
    "征收", "发放", "给付", "裁决",
])
_ACTION_OF_WORD = {
    **dict.fromkeys(["行政处罚", "处罚", "罚款", "查处", "查办"], "处罚"),
    **dict.fromkeys(["日常监督检查", "监督检查", "监督管理", "监管", "检查", "抽查", "巡查", "督查"], "检查"),
    **dict.fromkeys(["许可证核发", "许可证的核发", "许可证审批", "许可证的审批", "许可证办理", "许可证", "审批", "许可",
                     "核准", "批准", "核发", "审核"], "许可"),
    **dict.fromkeys(["查封、扣押", "查封扣押", "查封", "扣押", "强制措施", "强制执行"], "强制"),
    **dict.fromkeys(["备案", "登记", "确认", "认定"], "确认"),
    **dict.fromkeys(["表彰奖励", "表彰", "奖励"], "奖励"),
    "征收": "征收", "发放": "给付", "给付": "给付", "裁决": "裁决",
}
# 「对…的处罚」「…的行政处罚」「对…的日常监督检查」「…的设立许可」「设立…的审批」「查封、扣押…」「核发…许可证」
_FRAME_TAIL = re.compile(rf"^(?:对|对于)?(?P<o>.+?)(?:的|之|进行|实施|采取|给予)?(?P<a>{_ACTION_WORDS})(?:工作|决定|措施|事项)?$")
_FRAME_HEAD = re.compile(rf"^(?P<a>查处|查办|{_ACTION_WORDS})(?P<o>.+)$")
# Phrasings of the same circumstance (无证 ≈ 未取得…许可), mapped to one token before segmentation.
_UNLICENSED = re.compile(r"未(?:经|依法|按规定)?(?:取得|办理|领取)?(?:(?P<x>[^，。、的]{0,10}?)(?:许可证|许可|批准|审批|执照|资质证书|资质|证照))"
                         r"|未经(?:许可|批准|审批|核准)|无(?:证|照|证照|许可证)(?=[^书件明]|$)")
_PARENTHESES = re.compile(r"[（(][^（）()]*[)）]")
OBJECT_STOPWORDS = frozenset([
    "的", "对", "和", "及", "与", "或", "或者", "以及", "等", "其", "之", "中", "在", "有关", "相关", "行为", "违法行为",
    "活动", "业务", "工作", "事项", "情形", "依法", "从事", "进行", "开展", "实施", "规定", "按照", "按", "予以",
    "单位", "人员", "个人", "领域", "方面", "擅自", "违规", "违法", "违反", "《", "》", "、", "，",
])
_SYNONYMS = (("开办", "设立"), ("举办", "设立"), ("新设", "设立"), ("经营者", "经营"), ("网约车", "网络预约出租汽车"),
             ("出租车", "出租汽车"), ("从业人员", "从业"), ("营业执照", "执照"), ("津贴", "补贴"), ("托幼", "托育"))


def parse_frame(name: str, category: str = "") -> tuple[str, str]:
    """An item name read as ``(action, object)`` through the usual phrasing frames of published lists:
    对未经许可从事出版物发行业务的处罚 → (处罚, 未经许可从事出版物发行业务); 无证发行出版物行为的行政处罚 →
    (处罚, 无证发行出版物行为); 养老机构设立许可 → (许可, 养老机构设立); 设立养老机构的审批 → (许可, 设立养老机构).
    A name in no frame keeps its whole text as the object and takes its action from its category
    (审批 ≈ 许可, 处罚 ≈ 行政处罚, 查封、扣押 ≈ 强制)."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _PARENTHESES.sub("", text).strip() or text
    fallback = ACTIONS.get(category, "")
    m = _FRAME_TAIL.match(text)
    if m and len(m["o"]) >= 2:
        return _ACTION_OF_WORD.get(m["a"], fallback), m["o"].removeprefix("对").strip()
    m = _FRAME_HEAD.match(text)
    if m and len(m["o"]) >= 2:
        return _ACTION_OF_WORD.get(m["a"], fallback), m["o"].strip()
    return fallback, text.removeprefix("对").strip()


def object_text(obj: str) -> str:
    """The object with its wording evened out before segmentation: every 「未取得…许可」「未经许可」「无证」「擅自」
    becomes 「无证」 (keeping what the licence is for), 开办/举办 become 设立, citations of laws drop 中华人民共和国."""
    text = obj.replace("中华人民共和国", "")
    text = _UNLICENSED.sub(lambda m: " 无证 " + (m["x"] or "") + " ", text)
    for a, b in _SYNONYMS:
        text = text.replace(a, b)
    return text



def object_tokens(words: str, cut: Callable[[str], list[str]]) -> list[str]:
    """The words of an object (as :func:`object_text` left it), cut by ``cut`` (jieba's segmenter in the
    analysis), without function words, frame words and the action words the frame already took."""
    out: list[str] = []
    for part in words.split():
        out += [w for w in cut(part) if w.strip() and w not in OBJECT_STOPWORDS and w not in _ACTION_OF_WORD]
    return out


_RELATED_ACTIONS = {frozenset(("许可", "其他")), frozenset(("检查", "其他")),
                    frozenset(("服务", "给付")), frozenset(("服务", "其他"))}


def action_agreement(a: str, b: str) -> float:
    """Evidence of the action: 1 the same (审批 = 许可), 0.3 related (登记 ≈ 许可), 0 unknown, −1 different
    (a licence and a penalty on the same object are two functions, not one written twice)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return 0.3 if frozenset((a, b)) in _RELATED_ACTIONS else -1.0


def _same_provision(a: tuple[str, int, int, int], b: tuple[str, int, int, int]) -> bool:
    """The same law and article, and no different 款 or 项 named (第76条第1款 and 第76条第2款 are two provisions;
    第76条 and 第76条第2款 may be one)."""
    return (a[:2] == b[:2] and a[1] != 0 and (not a[2] or not b[2] or a[2] == b[2])
            and (not a[3] or not b[3] or a[3] == b[3]))


def basis_agreement(a: set[tuple[str, int, int, int]], b: set[tuple[str, int, int, int]]) -> tuple[float, list[str]]:
    """Evidence of the legal basis from the provisions cited by each item (:func:`citations`): 1 a shared
    provision, 0.5 a shared law (or the same article but another 款/项), 0 when either cites nothing,
    −0.5 different laws; with the shared citations."""
    shared = sorted({x[:2] for x in a for y in b if _same_provision(x, y)})
    if shared:
        return 1.0, [format_citation(law, art) for law, art in shared]
    laws = {x[0] for x in a} & {y[0] for y in b}
    if laws:
        return 0.5, [f"《{law}》" for law in sorted(laws)]
    if not a or not b:
        return 0.0, []
    return -0.5, []


@dataclass(frozen=True)
class OverlapWeights:
    """How much each kind of evidence counts in the near-duplicate score (疑似重复), and the thresholds.

    The score is Σ weight × evidence (at most 1.1 with these weights): object (对象, what the item acts on:
    TF-IDF of its words and character pairs, word order ignored) and name (the whole name's character n-grams) in
    [0, 1]; action, basis and category as in :func:`action_agreement`, :func:`basis_agreement` and 1/0 for the same 事项类别. Tuned on the development half
    of the hand-written evaluation set (``tests/data/overlap_dev.txt``), never on the held-out half."""

    object: float = 0.45
    object_words: float = 0.5  # the object's similarity: this share from its words, the rest from character pairs
    rarity: float = 2.5  # TF-IDF weights of the object raised to this power (see analysis._tfidf)
    name: float = 0.2
    action: float = 0.15
    basis: float = 0.2
    category: float = 0.1
    threshold: float = 0.6
    # 多头执法: a shared article, the same action and at least this object similarity.
    multi_head_object: float = 0.5

    def contributions(self, evidence: dict[str, float]) -> dict[str, float]:
        """What each kind of evidence added to (or took from) the score."""
        return {key: round(getattr(self, key) * value, 4) for key, value in evidence.items()}

    def score(self, evidence: dict[str, float]) -> float:
        return sum(getattr(self, key) * value for key, value in evidence.items())


DEFAULT_WEIGHTS = OverlapWeights()
