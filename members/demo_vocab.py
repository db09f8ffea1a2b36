"""Vocabulary for demo data, copied from the project's domain notes (shared/data/domain.yaml, which is
not part of the repository) plus name tables. Places are real; people are not."""

SECTORS = [
    "中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
    "中国致公党", "九三学社", "无党派人士", "共青团和青联", "总工会", "妇联", "工商联", "科协", "台联", "侨联",
    "文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "教育界", "体育界", "新闻出版界", "医药卫生界",
    "社会福利和社会保障界", "少数民族界", "宗教界", "环境资源界", "特邀人士",
]
# Sector → the democratic party its members belong to (for party/party_name of demo members).
SECTOR_PARTY = {
    "中国国民党革命委员会": "民革", "中国民主同盟": "民盟", "中国民主建国会": "民建", "中国民主促进会": "民进",
    "中国农工民主党": "农工党", "中国致公党": "致公党", "九三学社": "九三学社",
}

SPECIAL_COMMITTEES = [
    "提案委员会", "经济委员会", "农业农村委员会", "人口资源环境委员会", "教科卫体委员会", "社会和法制委员会",
    "文化文史和学习委员会", "民族宗教和港澳台侨委员会",
]
ACTIVITY_GROUPS = ["第一活动小组", "第二活动小组", "第三活动小组"]

HANDLING_UNITS = [
    "县发展和改革局", "县教育局", "县公安局", "县民政局", "县司法局", "县财政局", "县人力资源和社会保障局",
    "县自然资源和规划局", "县生态环境分局", "县住房和城乡建设局", "县交通运输局", "县水利局", "县农业农村局",
    "县商务局", "县文化广电旅游体育局", "县卫生健康局", "县应急管理局", "县市场监督管理局", "县医疗保障局",
    "县综合行政执法局", "县信访局", "县公安局交通警察大队",
]

# 政协温州市鹿城区委员会 (seed 000): 305 members assigned to these 14 townships.
LUCHENG = {
    "name": "政协温州市鹿城区委员会", "short_name": "鹿城区政协",
    "townships": ["五马街道", "松台街道", "滨江街道", "南汇街道", "七都街道", "双屿街道", "仰义街道", "藤桥镇",
                  "山福镇", "南郊街道", "广化街道", "蒲鞋市街道", "大南街道", "丰门街道"],
}
CITY = {"name": "政协温州市委员会", "short_name": "温州市政协"}
PROVINCE = {"name": "政协浙江省委员会", "short_name": "浙江省政协"}
# Counties of Wenzhou after Lucheng (city scale: the city and nine counties).
WENZHOU_COUNTIES = ["龙湾区", "瓯海区", "洞头区", "瑞安市", "乐清市", "永嘉县", "平阳县", "苍南县", "文成县",
                    "泰顺县", "龙港市"]
# Other cities of Zhejiang (province scale).
ZHEJIANG_CITIES = ["杭州市", "宁波市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"]

# Syllables for generated place names (plausible, not real).
PLACE_HEADS = list("东西南北中新清安永兴长平宁和丰泰福顺华江山河湖桥塘溪石梅桃柳竹松枫云龙凤鹤金玉银青白红")
PLACE_TAILS = list("阳山江湖桥塘溪源田坪岙岭湾洋浦港口头门亭林园城港里坊庄")
COUNTY_SUFFIX = ["县", "县", "市", "区"]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Frequent surnames appear more often (roughly as in Chinese population statistics).
SURNAME_WEIGHTS = [10 if i < 10 else 5 if i < 30 else 2 for i in range(len(SURNAMES))]
GIVEN_MALE = list("伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志成文斌海峰振东晓")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞秀英华慧巧美琳玲萍红燕彤雪琴梅莉婷颖佳欣怡晨蕾洁倩璐瑶雯")

EMPLOYERS = [
    ("{county}人民医院", ["副院长", "主任医师", "护理部主任"]),
    ("{county}中医院", ["院长", "副主任医师"]),
    ("{county}第一中学", ["校长", "高级教师", "副校长"]),
    ("{county}实验小学", ["校长", "教师"]),
    ("{place}科技有限公司", ["董事长", "总经理"]),
    ("{place}实业集团有限公司", ["董事长", "副总裁"]),
    ("{place}农业专业合作社", ["理事长"]),
    ("{place}律师事务所", ["主任", "合伙人"]),
    ("{county}工商业联合会", ["副主席"]),
    ("{county}妇女联合会", ["副主席"]),
    ("{county}文化馆", ["馆长"]),
    ("{place}社区卫生服务中心", ["主任"]),
    ("{place}村股份经济合作社", ["社长"]),
    ("{county}融媒体中心", ["副主任", "记者"]),
    ("{place}商会", ["会长"]),
    ("{county}人民法院", ["副院长"]),
]
