"""Name material for the demo city: departments, districts, streets, divisions, people.

Department names follow the municipal institutional reform of 2019 (机构改革); district names
are Shenzhen's ten districts (the seed describes Shenzhen); street names and all people are
synthetic.
"""

# (code suffix, name, English name, functions 三定职责 summary)
CITY_DEPARTMENTS = [
    ("ZFB", "市人民政府办公厅", "General Office of the Municipal Government", ["政务运转协调", "督查督办"]),
    ("FGW", "市发展和改革委员会", "Development and Reform Commission", ["经济调节", "重大项目审批"]),
    ("JY", "市教育局", "Education Bureau", ["教育公共服务", "学校设置审批"]),
    ("KCJ", "市科技创新局", "Science, Technology and Innovation Bureau", ["科技计划管理"]),
    ("GXJ", "市工业和信息化局", "Industry and Information Technology Bureau", ["工业经济运行调节"]),
    ("GA", "市公安局", "Public Security Bureau", ["社会治安管理", "户籍管理"]),
    ("MZ", "市民政局", "Civil Affairs Bureau", ["社会救助", "社会组织登记"]),
    ("SF", "市司法局", "Justice Bureau", ["行政复议", "法治政府建设"]),
    ("CZ", "市财政局", "Finance Bureau", ["财政预算管理", "政府采购监管"]),
    ("RS", "市人力资源和社会保障局", "Human Resources and Social Security Bureau", ["就业服务", "社会保险"]),
    ("GH", "市规划和自然资源局", "Planning and Natural Resources Bureau", ["国土空间规划", "用地审批"]),
    ("HJ", "市生态环境局", "Ecology and Environment Bureau", ["环境影响评价审批", "环境执法"]),
    ("ZJ", "市住房和建设局", "Housing and Construction Bureau", ["建筑市场监管", "施工许可"]),
    ("JT", "市交通运输局", "Transport Bureau", ["道路运输管理", "交通建设"]),
    ("SW", "市水务局", "Water Resources Bureau", ["水资源管理", "防汛"]),
    ("SWJ", "市商务局", "Commerce Bureau", ["商贸流通", "招商引资"]),
    ("WT", "市文化广电旅游体育局", "Culture, Radio, Television, Tourism and Sports Bureau", ["文化市场管理"]),
    ("WJW", "市卫生健康委员会", "Health Commission", ["公共卫生", "医疗机构管理"]),
    ("TY", "市退役军人事务局", "Veterans Affairs Bureau", ["退役军人服务保障"]),
    ("YJ", "市应急管理局", "Emergency Management Bureau", ["安全生产监督管理", "应急救援"]),
    ("SJ", "市审计局", "Audit Bureau", ["财政审计", "经济责任审计"]),
    ("GZW", "市人民政府国有资产监督管理委员会", "State-owned Assets Supervision and Administration Commission", ["国资监管"]),
    ("SCJG", "市市场监督管理局", "Administration for Market Regulation", ["市场主体登记", "食品安全监管", "知识产权"]),
    ("TJ", "市统计局", "Statistics Bureau", ["统计调查"]),
    ("YB", "市医疗保障局", "Healthcare Security Bureau", ["医保基金监管"]),
    ("CG", "市城市管理和综合执法局", "Urban Management and Law Enforcement Bureau", ["市容环境", "综合执法"]),
    ("ZSJ", "市政务服务数据管理局", "Government Services and Data Management Bureau", ["政务服务", "行政审批制度改革"]),
    ("JR", "市地方金融管理局", "Local Financial Regulatory Bureau", ["地方金融监管"]),
    ("KA", "市人民政府口岸办公室", "Port Office", ["口岸管理"]),
    ("XF", "市信访局", "Petitions Bureau", ["信访事项办理"]),
    ("JGSW", "市机关事务管理局", "Government Offices Administration", ["机关后勤保障"]),
    ("WB", "市人民政府外事办公室", "Foreign Affairs Office", ["外事管理"]),
    ("MZZ", "市民族宗教事务局", "Ethnic and Religious Affairs Bureau", ["民族宗教事务"]),
    ("RF", "市人民防空办公室", "Civil Air Defence Office", ["人防工程监管"]),
    ("LS", "市粮食和物资储备局", "Grain and Material Reserves Bureau", ["储备管理"]),
    ("QH", "市前海管理局", "Qianhai Authority", ["片区开发建设"]),
    ("ZSJD", "市住房保障署", "Housing Security Administration", ["保障性住房"]),
    ("YCJ", "市烟草专卖局", "Tobacco Monopoly Bureau", ["烟草专卖"]),
]
# The first ones are used by the small city (market regulation must be among them).
SMALL_CITY_DEPARTMENTS = ["ZFB", "FGW", "CZ", "SCJG", "ZJ", "HJ", "YJ", "ZSJ"]

CITY_DIVISIONS = [
    "办公室", "政策法规处", "人事处", "财务审计处", "规划发展处", "综合处", "监督检查处", "行政审批处",
    "信息化处", "宣传教育处", "科技处", "安全监管处", "执法督察处", "统计分析处", "组织人事处",
]
DISTRICTS = [
    ("FT", "福田区"), ("LH", "罗湖区"), ("NS", "南山区"), ("YT", "盐田区"), ("BA", "宝安区"),
    ("LG", "龙岗区"), ("LHQ", "龙华区"), ("PS", "坪山区"), ("GM", "光明区"), ("DP", "大鹏新区"),
]
STREETS_PER_DISTRICT = [10, 10, 8, 4, 10, 11, 6, 6, 6, 3]  # 74
# Resident population (常住人口) at the end of 2022, rounded, after the Shenzhen Statistical Yearbook
# 2023: the city (with the Shenzhen-Shanwei cooperation zone, not modelled here) and its districts.
CITY_POPULATION = 17_661_800
DISTRICT_POPULATION = {"FT": 1_530_700, "LH": 1_139_700, "NS": 1_795_900, "YT": 214_700, "BA": 4_450_600,
                       "LG": 3_982_900, "LHQ": 2_529_500, "PS": 550_800, "GM": 1_156_200, "DP": 156_300}
DISTRICT_DEPARTMENTS = [
    ("ZFB", "区人民政府办公室"), ("FGJ", "区发展和改革局"), ("JY", "区教育局"), ("KCJ", "区科技创新局"),
    ("GXJ", "区工业和信息化局"), ("MZ", "区民政局"), ("SF", "区司法局"), ("CZ", "区财政局"),
    ("RS", "区人力资源局"), ("ZJ", "区住房和建设局"), ("JT", "区交通运输局"), ("SW", "区水务局"),
    ("WJ", "区卫生健康局"), ("YJ", "区应急管理局"), ("SJ", "区审计局"), ("TJ", "区统计局"),
    ("SCJG", "区市场监督管理局"), ("CG", "区城市管理和综合执法局"), ("ZSJ", "区政务服务数据管理局"),
    ("WT", "区文化广电旅游体育局"), ("TY", "区退役军人事务局"),
]
DISTRICT_SECTIONS = ["办公室", "综合科", "业务科", "法制科", "审批科", "执法监督科", "财务科"]
STREET_NAME_PARTS = [
    "园岭", "南园", "沙头", "香蜜湖", "莲花", "华富", "梅林", "福保", "东门", "翠竹", "笋岗", "清水河",
    "黄贝", "桂园", "东晓", "莲塘", "南头", "粤海", "蛇口", "招商", "西丽", "沙河", "桃源", "南山",
    "海山", "梅沙", "沙角", "新安", "西乡", "航城", "福永", "福海", "沙井", "新桥", "松岗", "燕罗",
    "石岩", "布吉", "吉华", "坂田", "南湾", "横岗", "园山", "龙城", "龙岗", "坪地", "宝龙", "平湖",
    "观湖", "民治", "大浪", "福城", "观澜", "龙华", "坪山", "马峦", "碧岭", "石井", "坑梓", "龙田",
    "光明", "公明", "新湖", "凤凰", "玉塘", "马田", "葵涌", "大鹏", "南澳", "华强北", "福田", "香蜜",
    "南湖", "翠湖", "金田", "丽湖",
]
STREET_SECTIONS = ["党政办公室", "社区事务办公室", "综合执法队", "公共服务办公室", "安全生产监督管理办公室", "经济发展办公室"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣建志国东文海峰晨阳博立诚卫"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美婷雪琳晶颖玲倩妍洁怡梅兰凤琴云莉红燕萍佳悦欣璐蓉茜"

# English names (Unit.name_en, shown in the English UI) of the names above that carry none of their own.
DIVISIONS_EN = {
    "办公室": "General Office", "政策法规处": "Policy and Regulations Division", "人事处": "Personnel Division",
    "财务审计处": "Finance and Audit Division", "规划发展处": "Planning and Development Division",
    "综合处": "General Affairs Division", "监督检查处": "Supervision and Inspection Division",
    "行政审批处": "Administrative Approval Division", "信息化处": "Information Technology Division",
    "宣传教育处": "Publicity and Education Division", "科技处": "Science and Technology Division",
    "安全监管处": "Safety Supervision Division", "执法督察处": "Enforcement Inspection Division",
    "统计分析处": "Statistics and Analysis Division", "组织人事处": "Organisation and Personnel Division",
    "综合科": "General Affairs Section", "业务科": "Operations Section", "法制科": "Legal Affairs Section",
    "审批科": "Approvals Section", "执法监督科": "Enforcement Supervision Section", "财务科": "Finance Section",
    "党政办公室": "Party and Government Office", "社区事务办公室": "Community Affairs Office",
    "综合执法队": "Comprehensive Enforcement Team", "公共服务办公室": "Public Services Office",
    "安全生产监督管理办公室": "Work Safety Supervision Office", "经济发展办公室": "Economic Development Office",
    "执法监察处": "Enforcement Supervision Division", "效能监察处": "Efficiency Supervision Division",
    "纠风室": "Office for Correcting Malpractice", "案件审理处": "Case Hearing Division",
    "电子监察处": "Electronic Supervision Division", "行政审批监督处": "Approval Supervision Division",
    "指标体系处": "Indicator System Division", "评估处": "Evaluation Division",
    "督查考评处": "Inspection and Assessment Division", "办公厅": "General Office",
    "法制工作委员会": "Legislative Affairs Commission", "财政经济委员会": "Financial and Economic Affairs Committee",
    "代表工作委员会": "Deputies' Affairs Commission", "提案委员会": "Proposals Committee",
    "社会和法制委员会": "Social and Legal Affairs Committee", "行政机构编制处": "Administrative Establishment Division",
    "事业机构编制处": "Public Institution Establishment Division",
}
DISTRICTS_EN = {"FT": "Futian District", "LH": "Luohu District", "NS": "Nanshan District", "YT": "Yantian District",
                "BA": "Bao'an District", "LG": "Longgang District", "LHQ": "Longhua District",
                "PS": "Pingshan District", "GM": "Guangming District", "DP": "Dapeng New District"}
DISTRICT_DEPARTMENTS_EN = {
    "ZFB": "Government General Office", "FGJ": "Development and Reform Bureau",
    "JY": "Education Bureau", "KCJ": "Science, Technology and Innovation Bureau",
    "GXJ": "Industry and Information Technology Bureau", "MZ": "Civil Affairs Bureau", "SF": "Justice Bureau",
    "CZ": "Finance Bureau", "RS": "Human Resources Bureau", "ZJ": "Housing and Construction Bureau",
    "JT": "Transport Bureau", "SW": "Water Resources Bureau", "WJ": "Health Bureau",
    "YJ": "Emergency Management Bureau", "SJ": "Audit Bureau", "TJ": "Statistics Bureau",
    "SCJG": "Administration for Market Regulation", "CG": "Urban Management and Law Enforcement Bureau",
    "ZSJ": "Government Services and Data Management Bureau",
    "WT": "Culture, Radio, Television, Tourism and Sports Bureau", "TY": "Veterans Affairs Bureau",
}
STREETS_EN = {
    "园岭": "Yuanling", "南园": "Nanyuan", "沙头": "Shatou", "香蜜湖": "Xiangmihu", "莲花": "Lianhua",
    "华富": "Huafu", "梅林": "Meilin", "福保": "Fubao", "东门": "Dongmen", "翠竹": "Cuizhu", "笋岗": "Sungang",
    "清水河": "Qingshuihe", "黄贝": "Huangbei", "桂园": "Guiyuan", "东晓": "Dongxiao", "莲塘": "Liantang",
    "南头": "Nantou", "粤海": "Yuehai", "蛇口": "Shekou", "招商": "Zhaoshang", "西丽": "Xili", "沙河": "Shahe",
    "桃源": "Taoyuan", "南山": "Nanshan", "海山": "Haishan", "梅沙": "Meisha", "沙角": "Shajiao",
    "新安": "Xin'an", "西乡": "Xixiang", "航城": "Hangcheng", "福永": "Fuyong", "福海": "Fuhai",
    "沙井": "Shajing", "新桥": "Xinqiao", "松岗": "Songgang", "燕罗": "Yanluo", "石岩": "Shiyan", "布吉": "Buji",
    "吉华": "Jihua", "坂田": "Bantian", "南湾": "Nanwan", "横岗": "Henggang", "园山": "Yuanshan",
    "龙城": "Longcheng", "龙岗": "Longgang", "坪地": "Pingdi", "宝龙": "Baolong", "平湖": "Pinghu",
    "观湖": "Guanhu", "民治": "Minzhi", "大浪": "Dalang", "福城": "Fucheng", "观澜": "Guanlan",
    "龙华": "Longhua", "坪山": "Pingshan", "马峦": "Maluan", "碧岭": "Biling", "石井": "Shijing",
    "坑梓": "Kengzi", "龙田": "Longtian", "光明": "Guangming", "公明": "Gongming", "新湖": "Xinhu",
    "凤凰": "Fenghuang", "玉塘": "Yutang", "马田": "Matian", "葵涌": "Kuiyong", "大鹏": "Dapeng",
    "南澳": "Nan'ao", "华强北": "Huaqiangbei", "福田": "Futian", "香蜜": "Xiangmi", "南湖": "Nanhu",
    "翠湖": "Cuihu", "金田": "Jintian", "丽湖": "Lihu",
}
