"""A synthetic but plausible 权责清单 for the demo city and the benchmark (no database).

Each department type has its subject matters (对象, with the law that governs them) and each
category its name template, so names read like published lists: 「食品经营许可」,
「对未取得食品经营许可从事食品经营活动的处罚」 with 《中华人民共和国食品安全法》第三十五条. City
departments hold planning, standards and cross-district matters plus a share of enforcement;
district departments hold the rest of enforcement, identical in every district (normal, not an
overlap); street offices hold social management and public services, identical in every street.

Planted problems are returned beside the items, so a test can measure detection.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# (keywords in the unit name, area, [(subject matter, law)])
DOMAINS: list[tuple[tuple[str, ...], str, list[tuple[str, str]]]] = [
    (("市场监督",), "market_supervision", [
        ("食品经营", "中华人民共和国食品安全法"), ("食品生产", "中华人民共和国食品安全法"),
        ("药品零售", "中华人民共和国药品管理法"), ("医疗器械经营", "医疗器械监督管理条例"),
        ("特种设备使用", "中华人民共和国特种设备安全法"), ("计量器具制造", "中华人民共和国计量法"),
        ("工业产品生产", "中华人民共和国产品质量法"), ("广告发布", "中华人民共和国广告法"),
        ("网络交易", "中华人民共和国电子商务法"), ("企业登记", "中华人民共和国市场主体登记管理条例"),
        ("商标代理", "中华人民共和国商标法"), ("认证检测", "中华人民共和国认证认可条例")]),
    (("住房和建设", "住房和城乡建设", "住建"), "market_supervision", [
        ("建筑工程施工", "中华人民共和国建筑法"), ("建筑业企业资质", "建设工程质量管理条例"),
        ("房地产开发经营", "中华人民共和国城市房地产管理法"), ("商品房预售", "城市商品房预售管理办法"),
        ("物业服务", "物业管理条例"), ("燃气经营", "城镇燃气管理条例"), ("住房租赁", "商品房屋租赁管理办法"),
        ("建设工程质量检测", "建设工程质量检测管理办法"), ("建筑施工安全", "建设工程安全生产管理条例")]),
    (("生态环境", "环境保护"), "social_management", [
        ("排污", "排污许可管理条例"), ("建设项目环境影响评价", "中华人民共和国环境影响评价法"),
        ("危险废物经营", "中华人民共和国固体废物污染环境防治法"), ("辐射安全", "放射性同位素与射线装置安全和防护条例"),
        ("噪声排放", "中华人民共和国噪声污染防治法"), ("机动车排气检测", "中华人民共和国大气污染防治法"),
        ("水污染物排放", "中华人民共和国水污染防治法"), ("土壤污染风险管控", "中华人民共和国土壤污染防治法")]),
    (("交通运输", "交通"), "market_supervision", [
        ("道路旅客运输经营", "中华人民共和国道路运输条例"), ("巡游出租汽车经营", "巡游出租汽车经营服务管理规定"),
        ("网络预约出租汽车经营", "网络预约出租汽车经营服务管理暂行办法"), ("道路货物运输经营", "道路货物运输及站场管理规定"),
        ("港口经营", "中华人民共和国港口法"), ("公路超限运输", "公路安全保护条例"),
        ("机动车驾驶员培训", "机动车驾驶员培训管理规定"), ("城市公共汽电车客运", "城市公共汽车和电车客运管理规定")]),
    (("卫生健康", "卫生"), "public_service", [
        ("医疗机构执业", "医疗机构管理条例"), ("医师执业", "中华人民共和国医师法"), ("公共场所卫生", "公共场所卫生管理条例"),
        ("放射诊疗", "放射诊疗管理规定"), ("母婴保健技术服务", "中华人民共和国母婴保健法"),
        ("职业病防治", "中华人民共和国职业病防治法"), ("生活饮用水供水", "生活饮用水卫生监督管理办法"),
        ("传染病防治", "中华人民共和国传染病防治法")]),
    (("教育",), "public_service", [
        ("民办学校办学", "中华人民共和国民办教育促进法"), ("教师资格", "中华人民共和国教师法"),
        ("校外培训机构", "中华人民共和国未成年人保护法"), ("幼儿园设立", "幼儿园管理条例"),
        ("学生资助", "中华人民共和国教育法"), ("中等职业学校招生", "中华人民共和国职业教育法")]),
    (("人力资源", "人社"), "social_management", [
        ("劳务派遣经营", "中华人民共和国劳动合同法"), ("人力资源服务", "人力资源市场暂行条例"),
        ("职业技能培训", "中华人民共和国就业促进法"), ("社会保险登记", "中华人民共和国社会保险法"),
        ("工资支付", "保障农民工工资支付条例"), ("工伤认定", "工伤保险条例"), ("特殊工时制度", "中华人民共和国劳动法")]),
    (("民政",), "social_management", [
        ("社会团体登记", "社会团体登记管理条例"), ("民办非企业单位登记", "民办非企业单位登记管理暂行条例"),
        ("养老机构", "中华人民共和国老年人权益保障法"), ("最低生活保障", "社会救助暂行办法"),
        ("婚姻登记", "婚姻登记条例"), ("殡葬服务", "殡葬管理条例"), ("地名命名", "地名管理条例")]),
    (("公安",), "social_management", [
        ("户口登记", "中华人民共和国户口登记条例"), ("居民身份证", "中华人民共和国居民身份证法"),
        ("剧毒化学品购买", "剧毒化学品购买和公路运输许可证件管理办法"), ("大型群众性活动安全", "大型群众性活动安全管理条例"),
        ("保安服务", "保安服务管理条例"), ("旅馆业特种行业", "旅馆业治安管理办法"),
        ("机动车登记", "中华人民共和国道路交通安全法")]),
    (("应急管理", "安全生产"), "social_management", [
        ("危险化学品经营", "危险化学品安全管理条例"), ("非煤矿山安全生产", "中华人民共和国安全生产法"),
        ("非药品类易制毒化学品生产", "易制毒化学品管理条例"), ("烟花爆竹经营", "烟花爆竹安全管理条例"),
        ("生产安全事故应急预案", "生产安全事故应急条例"), ("安全评价机构", "安全评价检测检验机构管理办法")]),
    (("规划和自然资源", "自然资源", "国土"), "economic_regulation", [
        ("建设用地规划", "中华人民共和国城乡规划法"), ("建设工程规划", "中华人民共和国城乡规划法"),
        ("国有土地使用权出让", "中华人民共和国土地管理法"), ("不动产登记", "不动产登记暂行条例"),
        ("测绘资质", "中华人民共和国测绘法"), ("矿产资源开采", "中华人民共和国矿产资源法"),
        ("林木采伐", "中华人民共和国森林法")]),
    (("发展和改革", "发改"), "economic_regulation", [
        ("政府投资项目审批", "政府投资条例"), ("企业投资项目核准", "企业投资项目核准和备案管理条例"),
        ("定价成本监审", "中华人民共和国价格法"), ("固定资产投资项目节能审查", "中华人民共和国节约能源法"),
        ("粮食收购", "粮食流通管理条例"), ("招标投标", "中华人民共和国招标投标法")]),
    (("财政",), "economic_regulation", [
        ("政府采购", "中华人民共和国政府采购法"), ("代理记账", "代理记账管理办法"), ("非税收入收缴", "中华人民共和国预算法"),
        ("财政票据", "财政票据管理办法"), ("行政事业单位国有资产", "行政事业性国有资产管理条例")]),
    (("文化", "旅游", "体育"), "public_service", [
        ("娱乐场所经营", "娱乐场所管理条例"), ("营业性演出", "营业性演出管理条例"), ("旅行社经营", "旅行社条例"),
        ("互联网上网服务营业场所", "互联网上网服务营业场所管理条例"), ("文物保护单位修缮", "中华人民共和国文物保护法"),
        ("高危险性体育项目经营", "全民健身条例"), ("卫星电视广播地面接收设施", "卫星电视广播地面接收设施管理规定")]),
    (("水务", "水利"), "social_management", [
        ("取水", "取水许可和水资源费征收管理条例"), ("河道管理范围内建设项目", "中华人民共和国河道管理条例"),
        ("城镇污水排入排水管网", "城镇排水与污水处理条例"), ("生产建设项目水土保持方案", "中华人民共和国水土保持法"),
        ("城市供水", "城市供水条例"), ("节约用水", "中华人民共和国水法")]),
    (("城市管理", "城管", "综合执法"), "social_management", [
        ("户外广告设施设置", "城市市容和环境卫生管理条例"), ("城市道路占用挖掘", "城市道路管理条例"),
        ("生活垃圾经营性清扫收集运输", "城市生活垃圾管理办法"), ("城市绿地占用", "城市绿化条例"),
        ("建筑垃圾处置", "城市建筑垃圾管理规定"), ("燃气设施保护", "城市燃气设施保护办法")]),
    (("工业和信息化", "工业"), "economic_regulation", [
        ("工业企业技术改造", "中华人民共和国中小企业促进法"), ("无线电台设置", "中华人民共和国无线电管理条例"),
        ("电力设施保护", "电力设施保护条例"), ("民用爆炸物品生产", "民用爆炸物品安全管理条例"),
        ("监控化学品生产", "中华人民共和国监控化学品管理条例")]),
    (("商务",), "economic_regulation", [
        ("对外贸易经营", "中华人民共和国对外贸易法"), ("成品油零售经营", "成品油市场管理办法"),
        ("单用途商业预付卡发行", "单用途商业预付卡管理办法"), ("报废机动车回收拆解", "报废机动车回收管理办法"),
        ("拍卖企业经营", "中华人民共和国拍卖法")]),
    (("司法",), "social_management", [
        ("律师执业", "中华人民共和国律师法"), ("公证机构执业", "中华人民共和国公证法"), ("司法鉴定", "司法鉴定程序通则"),
        ("人民调解", "中华人民共和国人民调解法"), ("法律援助", "中华人民共和国法律援助法")]),
]

STREET_DOMAIN: list[tuple[str, str, str, str]] = [
    # (subject matter, law, category, area) held by every street office
    ("社区居民委员会建设", "中华人民共和国城市居民委员会组织法", "other_power", "social_management"),
    ("网格化服务管理", "中华人民共和国城市居民委员会组织法", "inspection", "social_management"),
    ("临时救助", "社会救助暂行办法", "payment", "public_service"),
    ("居家养老服务", "中华人民共和国老年人权益保障法", "public_service", "public_service"),
    ("辖区安全生产巡查", "中华人民共和国安全生产法", "inspection", "social_management"),
    ("出租屋综合管理", "商品房屋租赁管理办法", "inspection", "social_management"),
    ("矛盾纠纷排查调处", "中华人民共和国人民调解法", "other_power", "social_management"),
    ("退役军人服务", "中华人民共和国退役军人保障法", "public_service", "public_service"),
    ("就业创业服务", "中华人民共和国就业促进法", "public_service", "public_service"),
    ("消防安全检查", "中华人民共和国消防法", "inspection", "social_management"),
    ("三防应急处置", "中华人民共和国突发事件应对法", "other_power", "social_management"),
    ("生活垃圾分类指导", "城市生活垃圾管理办法", "public_service", "social_management"),
    ("残疾人服务", "中华人民共和国残疾人保障法", "payment", "public_service"),
    ("居民身份证受理", "中华人民共和国居民身份证法", "confirmation", "public_service"),
]
STREET_TEMPLATE = "辖区{o}工作的组织实施"
STREET_ECONOMIC = ["辖区招商引资项目的引进和服务", "辖区企业投资项目的审核推荐", "辖区工业园区产业规划编制",
                   "辖区重点企业经济指标统计考核", "辖区楼宇经济发展扶持资金审核"]

# (category, name, paraphrase written in other words) — {o}: subject matter, {l}: short law name.
ENFORCEMENT = [
    ("licensing", "{o}许可", "{o}许可证的审批与核发"),
    ("penalty", "对未取得{o}许可从事{o}活动的处罚", "对未依法取得{o}许可擅自从事相关活动的行政处罚"),
    ("penalty", "对{o}活动中违反《{l}》规定行为的处罚", "查处{o}领域违反《{l}》的违法行为"),
    ("inspection", "对{o}活动的监督检查", "{o}日常监管及专项检查"),
    ("coercion", "查封、扣押{o}违法物品和场所", "对{o}违法物品及经营场所采取查封扣押措施"),
    ("confirmation", "{o}备案", "{o}事项的备案登记办理"),
    ("reward", "对{o}工作中成绩显著的单位和个人给予表彰奖励", "对{o}工作成绩突出的单位和个人的评选表彰"),
    ("public_service", "{o}政策咨询与办事指引服务", "提供{o}政策解答和办事咨询"),
    ("other_power", "{o}信用信息归集与公示", "{o}领域信用信息的采集和公开"),
]
CITY = [
    ("other_power", "全市{o}发展规划和政策的拟订", "拟订本市{o}中长期规划及配套政策"),
    ("other_power", "{o}地方标准的组织制定", "组织起草{o}方面的地方性标准"),
    ("inspection", "对全市{o}工作的统筹指导和考核", "统筹指导、考核各区{o}工作"),
    ("penalty", "跨区{o}重大违法案件的查处", "查办跨行政区域的{o}重大违法案件"),
    ("payment", "{o}专项资金的安排与监督", "统筹安排{o}扶持资金并监督使用"),
]
SUB_ITEMS = ["新办", "变更", "延续", "注销"]

MATTERS = {
    "licensing": ["受理责任：公示应当提交的材料，一次性告知补正材料，依法受理或不予受理",
                  "审查责任：对申请材料进行审查，提出审查意见", "决定责任：作出准予或不予许可决定，不予许可的说明理由",
                  "送达责任：制发送达许可证件，信息公开", "事后监管责任：对被许可人从事许可事项的活动进行监督检查"],
    "penalty": ["立案责任：对发现的违法行为予以审查，决定是否立案", "调查责任：全面、客观、公正地调查收集证据",
                "审查责任：对案件违法事实、证据、程序、法律适用进行审查", "告知责任：告知当事人拟作出处罚的事实、理由、依据及其权利",
                "决定责任：依法作出处罚决定", "送达责任：依法送达行政处罚决定书", "执行责任：监督当事人履行处罚决定"],
}
DEFAULT_MATTERS = ["实施责任：依法依规组织实施", "监督责任：加强事中事后监管", "信息公开责任：依法公开办理结果"]
SITUATIONS = ["对符合法定条件的申请不予受理或者不在法定期限内作出决定的", "对不符合法定条件的对象违法作出决定的",
              "滥用职权、玩忽职守、徇私舞弊的", "索取或者收受他人财物或者谋取其他利益的",
              "其他违反法律法规规章规定的行为"]
NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 35 → 三十五, 120 → 一百二十 (article numbers of Chinese laws)."""
    if n < 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + (NUMERALS[n % 10] if n % 10 else "")
    if n < 100:
        return NUMERALS[n // 10] + "十" + (NUMERALS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + NUMERALS[rest] if rest < 10 else (
        "一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
    return NUMERALS[n // 100] + "百" + tail


@dataclass
class GenUnit:
    code: str
    name: str
    kind: str
    level: str
    path: str
    has_functions: bool = True


@dataclass
class Catalogue:
    contents: list[dict[str, Any]] = field(default_factory=list)
    planted: list[dict[str, Any]] = field(default_factory=list)


class _Articles:
    """A unique article for every (law, use), so two items share a basis only when planted to."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, law: str) -> str:
        self.next[law] = self.next.get(law, 0) + 1
        return f"第{chinese_number(self.next[law])}条"


def _short(law: str) -> str:
    return law.removeprefix("中华人民共和国")


def _content(code: str, name: str, category: str, area: str, unit: GenUnit, basis: list[dict[str, str]],
             parent: str = "") -> dict[str, Any]:
    return {
        "code": code, "name": name, "category": category,
        "area": "public_service" if category == "public_service" else area, "level": unit.level,
        "legal_basis": basis, "lead_units": [unit.code], "assisting_units": [],
        "responsibility_matters": list(MATTERS.get(category, DEFAULT_MATTERS)),
        "accountability_situations": list(SITUATIONS[:3] if category != "licensing" else SITUATIONS),
        "parent": parent,
    }


def _assign_domains(depts: list[GenUnit]) -> dict[str, int]:
    """Department code → domain: by name, each domain at most once per government; departments whose
    name matches no domain take a free one, and are left without items when none is free."""
    out: dict[str, int] = {}
    taken: dict[str, set[int]] = {}
    unmatched = []
    for unit in depts:
        match = next((n for n, (keys, _a, _o) in enumerate(DOMAINS) if any(k in unit.name for k in keys)), None)
        if match is None or match in taken.setdefault(_gov(unit), set()):
            unmatched.append(unit)
        else:
            out[unit.code] = match
            taken[_gov(unit)].add(match)
    for unit in unmatched:
        free = [n for n in range(len(DOMAINS)) if n not in taken[_gov(unit)]]
        if free:
            out[unit.code] = free[0]
            taken[_gov(unit)].add(free[0])
    return out


def generate(units: list[GenUnit], *, target: int, seed: int, plants: dict[str, int] | None = None) -> Catalogue:
    """About ``target`` items over ``units`` (departments and street offices), with planted problems.

    ``plants`` gives how many of each planted kind (defaults scale with ``target``).
    """
    rng = random.Random(seed)
    depts = [u for u in units if u.kind == "department"]
    streets = [u for u in units if u.kind == "street_office"]
    city_depts = [u for u in depts if u.level == "city"]
    district_depts = [u for u in depts if u.level == "district"]
    domain = _assign_domains(depts)
    orphan_units = [u for u in depts if u.has_functions][-(plants or {}).get("orphan_unit", 1):] if depts else []
    district_domains = {domain[u.code] for u in district_depts if u.code in domain}
    articles = _Articles()
    basis_of: dict[tuple[str, str], list[dict[str, str]]] = {}  # (template name, law) → basis, same in every district

    def basis(template: str, obj: str, law: str) -> list[dict[str, str]]:
        key = (template + obj, law)
        if key not in basis_of:
            basis_of[key] = [{"law": law, "article": articles.take(law), "text": f"{obj}应当依法办理。"}]
        return basis_of[key]

    # How much of each template list a unit gets, so the whole is about ``target``.
    est = len(city_depts) * 60 + len(district_depts) * 50 + len(streets) * len(STREET_DOMAIN)
    share = min(1.0, target / max(est, 1))

    cat = Catalogue()
    source: dict[str, tuple[GenUnit, str, str, str, int]] = {}  # code → (unit, object, law, template, list)
    for unit in city_depts + district_depts:
        if unit in orphan_units or unit.code not in domain:
            continue
        _keywords, area, objects = DOMAINS[domain[unit.code]]
        n_obj = max(2, round(len(objects) * min(1.0, share * 1.3)))
        laws = list(dict.fromkeys(law for _o, law in objects))
        seq = 0
        for oi, (obj, law) in enumerate(objects[:n_obj]):
            # the city keeps every third law's matters; districts hold the others, one level per law
            city_reserved = laws.index(law) % 3 == 0 or domain[unit.code] not in district_domains
            if unit.level == "city":
                templates = [(t, 1) for t in CITY] + [(t, 0) for t in ENFORCEMENT] if city_reserved else []
            else:
                templates = [] if city_reserved else [(t, 0) for t in ENFORCEMENT]
            for (category, name_t, _para), which in templates:
                seq += 1
                code = f"{unit.code}-{seq:04d}"
                name = name_t.format(o=obj, l=_short(law))
                cat.contents.append(_content(code, name, category, area, unit, basis(name_t, obj, law)))
                source[code] = (unit, obj, law, name_t, which)
                if category == "licensing" and oi < 4 and unit.level == "district":
                    for sub in SUB_ITEMS:
                        seq += 1
                        cat.contents.append(_content(f"{unit.code}-{seq:04d}", f"{name}（{sub}）", category, area,
                                                     unit, basis(name_t + sub, obj, law), parent=code))
    for unit in streets:
        for n, (obj, law, category, area) in enumerate(STREET_DOMAIN, 1):
            cat.contents.append(_content(f"{unit.code}-{n:04d}", STREET_TEMPLATE.format(o=obj), category, area, unit,
                                         basis(STREET_TEMPLATE, obj, law)))
    holders = [u for u in depts if u not in orphan_units and u.code in domain]
    _plant(cat, rng, holders, streets, source, articles, plants or _default_plants(len(cat.contents)))
    cat.planted += [{"kind": "orphan", "items": [], "units": [u.code], "note": "有三定职责而无事项"}
                    for u in orphan_units]
    # departments left without a domain (more departments than domains in one government) hold no items either
    cat.planted += [{"kind": "orphan", "items": [], "units": [u.code], "note": "无对应事项模板，未生成事项"}
                    for u in depts if u.code not in domain and u not in orphan_units and u.has_functions]
    return cat


def _default_plants(n: int) -> dict[str, int]:
    scale = max(1, n // 400)
    return {"near_duplicate": min(120, 6 * scale), "multi_head": min(40, 3 * scale), "orphan": min(20, 2 * scale),
            "no_responsibility": min(30, 2 * scale), "level_mismatch": min(15, 2 * scale)}


def _gov(unit: GenUnit) -> str:
    return unit.path.rsplit("/", 3)[0] + "/" if unit.kind == "street_office" else unit.path.rsplit("/", 2)[0] + "/"


def _plant(cat: Catalogue, rng: random.Random, depts: list[GenUnit], streets: list[GenUnit],
           source: dict[str, tuple[GenUnit, str, str, str, int]], articles: _Articles, plants: dict[str, int]) -> None:
    by_code = {c["code"]: c for c in cat.contents}
    used: set[str] = set()
    same_gov: dict[str, list[GenUnit]] = {}
    for d in depts:
        same_gov.setdefault(_gov(d), []).append(d)
    parents = {c["parent"] for c in cat.contents if c["parent"]}
    pool = sorted(source)
    rng.shuffle(pool)

    def pick() -> str:
        while pool:
            code = pool.pop()
            if code not in used and not by_code[code]["parent"] and code not in parents:
                used.add(code)
                return code
        raise ValueError("not enough items to plant problems in")

    def other_dept(unit: GenUnit, vertical: bool) -> GenUnit | None:
        if vertical and unit.level == "city":
            choices = [d for d in depts if d.level == "district"]
        else:
            choices = [d for d in same_gov.get(_gov(unit), []) if d.code != unit.code]
        return rng.choice(choices) if choices else None

    for n in range(plants.get("near_duplicate", 0)):
        code = pick()
        unit, obj, law, name_t, which = source[code]
        target = other_dept(unit, vertical=n % 5 == 0)
        if target is None:
            continue
        para = next(p for _c, t, p in (CITY if which else ENFORCEMENT) if t == name_t)
        original = by_code[code]
        new_code = f"{target.code}-ND{n:03d}"
        item = _content(new_code, para.format(o=obj, l=_short(law)), original["category"], original["area"], target,
                        [{"law": law, "article": articles.take(law), "text": f"{obj}应当依法办理。"}])
        cat.contents.append(item)
        used.add(new_code)
        cat.planted.append({"kind": "near_duplicate", "items": sorted([code, new_code]), "units": [],
                            "note": f"{original['name']} ≈ {item['name']}"})
    for n in range(plants.get("multi_head", 0)):
        code = pick()
        unit = source[code][0]
        target = other_dept(unit, vertical=False)
        if target is None:
            continue
        if n % 2:  # a second lead unit on the same item
            by_code[code]["lead_units"].append(target.code)
            cat.planted.append({"kind": "multi_head", "items": [code], "units": [], "note": "两个牵头单位"})
        else:  # the same matter (basis and action) listed again by another department
            copy = {**by_code[code], "code": f"{target.code}-MH{n:03d}", "lead_units": [target.code],
                    "level": target.level}
            cat.contents.append(copy)
            used.add(copy["code"])
            cat.planted.append({"kind": "multi_head", "items": sorted([code, copy["code"]]), "units": [],
                                "note": "同一依据同一行为由两个单位实施"})
    for _n in range(plants.get("orphan", 0)):
        code = pick()
        item = by_code[code]
        item["assisting_units"], item["lead_units"] = item["lead_units"], []
        cat.planted.append({"kind": "orphan", "items": [code], "units": [], "note": "无牵头单位"})
    for n in range(plants.get("no_responsibility", 0)):
        code = pick()
        by_code[code]["responsibility_matters" if n % 2 else "accountability_situations"] = []
        cat.planted.append({"kind": "no_responsibility", "items": [code], "units": [], "note": "有权无责"})
    for n in range(plants.get("level_mismatch", 0)):
        if not streets:
            break
        street = streets[n % len(streets)]
        item = _content(f"{street.code}-LM{n:03d}", STREET_ECONOMIC[n % len(STREET_ECONOMIC)], "other_power",
                        "economic_regulation", street,
                        [{"law": "中华人民共和国中小企业促进法", "article": articles.take("中华人民共和国中小企业促进法"),
                          "text": "促进中小企业发展。"}])
        cat.contents.append(item)
        cat.planted.append({"kind": "level_mismatch", "items": [item["code"]], "units": [], "note": "街道承担经济调节职能"})


def synthetic_city(districts: int, depts_per_district: int, streets_per_district: int,
                   city_depts: int | None = None) -> list[GenUnit]:
    """A unit tree like the org demo's, for the benchmark and tests that run without it."""
    names = ["市场监督管理局", "住房和建设局", "生态环境局", "交通运输局", "卫生健康委员会", "教育局", "人力资源和社会保障局",
             "民政局", "公安局", "应急管理局", "规划和自然资源局", "发展和改革委员会", "财政局", "文化广电旅游体育局",
             "水务局", "城市管理和综合执法局", "工业和信息化局", "商务局", "司法局"]
    units = [GenUnit("SZ", "深圳市人民政府", "government", "city", "/SZ/")]
    for n, name in enumerate(names[:city_depts or len(names)]):
        units.append(GenUnit(f"SZ-D{n:02d}", f"深圳市{name}", "department", "city", f"/SZ/SZ-D{n:02d}/"))
    for d in range(districts):
        dc = f"SZ-Q{d:02d}"
        units.append(GenUnit(dc, f"第{d + 1}区人民政府", "government", "district", f"/SZ/{dc}/"))
        for n, name in enumerate(names[:depts_per_district]):
            units.append(GenUnit(f"{dc}-D{n:02d}", f"第{d + 1}区{name}", "department", "district", f"/SZ/{dc}/{dc}-D{n:02d}/"))
        for s in range(streets_per_district):
            units.append(GenUnit(f"{dc}-J{s:02d}", f"第{d + 1}区第{s + 1}街道办事处", "street_office", "street",
                                 f"/SZ/{dc}/{dc}-J{s:02d}/"))
    return units
