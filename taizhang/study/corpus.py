"""A deterministic generator of leaders' study articles (学习体会文章), for the benchmark,
the tests of the near-duplicate detector and the demo.

An article is ~1,500 characters in 5–8 paragraphs separated by "\\n": an opening paragraph,
3–6 body paragraphs each led by a numbered heading sentence, and a closing paragraph. It is
built from two kinds of text, as real ones are:

- the genre's formulas (`FORMULAS`, `HEADINGS`, `OPENINGS`, `CLOSINGS`): the phrases every
  such article repeats (深入学习贯彻习近平新时代中国特色社会主义思想, 以学铸魂、以学增智、以学正风、
  以学促干, 坚定拥护“两个确立”、坚决做到“两个维护” …). Most of them are in the detector's
  `STOCK_PHRASES`, some deliberately not (a district's own wording);
- content sentences composed from templates and word pools, per theme (`THEMES`): two honest
  articles on the same theme share vocabulary (高标准农田建设, 接诉即办 …) but not sentences.

Everything is drawn from the `random.Random` passed in: the same seed gives the same texts.

    rng = random.Random(7)
    text = article(rng, "乡村振兴")
    copy = light_copy(rng, text)            # what a copier hands in
    second = second_article(rng, text, "乡村振兴")   # the author's honest second article
    items, planted = corpus(rng, 105, planted=3)
"""

import random

# -- the genre's formulas ------------------------------------------------------------------

OPENINGS = (
    "按照区委关于开展学习贯彻习近平新时代中国特色社会主义思想主题教育的部署要求，"
    "我认真研读了《习近平著作选读》《习近平新时代中国特色社会主义思想专题摘编》等指定书目，"
    "深刻感悟到这一重要思想的真理力量和实践伟力。现将学习体会汇报如下。",
    "根据区委主题教育领导小组的统一安排，通过集中学习、专题研讨和个人自学，"
    "我系统学习了习近平新时代中国特色社会主义思想，思想上受到了深刻洗礼。"
    "结合自身思想和工作实际，谈几点学习体会。",
    "主题教育开展以来，我坚持把理论学习摆在首要位置，原原本本学、逐章逐节学、"
    "联系实际学，对习近平新时代中国特色社会主义思想的理解不断加深。下面，我结合分管工作谈几点体会。",
    "按照主题教育“学思想、强党性、重实践、建新功”的总要求，我认真参加读书班学习，"
    "坚持学原文、读原著、悟原理，进一步坚定了理想信念。现将学习体会报告如下。",
)

HEADINGS = (
    ("以学铸魂", "筑牢信仰之基"),
    ("以学增智", "提升履职本领"),
    ("以学正风", "锤炼过硬作风"),
    ("以学促干", "担当实干作为"),
    ("学思想", "坚定理想信念"),
    ("强党性", "筑牢忠诚之魂"),
    ("重实践", "推动工作落实"),
    ("建新功", "展现担当作为"),
)

FORMULAS = (
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "坚定拥护“两个确立”、坚决做到“两个维护”",
    "不断增强“四个意识”、坚定“四个自信”",
    "不忘初心、牢记使命",
    "始终在思想上政治上行动上同以习近平同志为核心的党中央保持高度一致",
    "把学习成果转化为推动高质量发展的强大动力",
    "坚持以人民为中心的发展思想",
    "牢固树立和践行正确的政绩观",
    "大兴调查研究之风",
    "以钉钉子精神抓好工作落实",
    "时刻绷紧廉洁自律这根弦",
    "做到学思用贯通、知信行统一",
    "理论上清醒，政治上才能坚定",
    "完整、准确、全面贯彻新发展理念",
    "以学铸魂、以学增智、以学正风、以学促干",
    "学思想、强党性、重实践、建新功",
    "坚持和加强党的全面领导",
    "坚定不移推进全面从严治党",
    "以中国式现代化全面推进中华民族伟大复兴",
    "把对党忠诚落实到具体行动上",
    # a district's own wording: not in the detector's STOCK_PHRASES
    "在全区上下营造比学赶超的浓厚氛围",
    "切实把主题教育成效体现到为民办实事上",
)

CLOSINGS = (
    "总之，通过这次主题教育，我进一步坚定了理想信念、提升了能力本领。"
    "在今后的工作中，我将以更加饱满的热情、更加务实的作风，"
    "为奋力谱写中国式现代化的区县篇章贡献力量。",
    "在今后的工作中，我将持续深入学习贯彻习近平新时代中国特色社会主义思想，"
    "坚持学以致用、用以促学，不辜负组织的信任和群众的期盼。",
    "下一步，我将以此次主题教育为契机，始终做到学思用贯通、知信行统一，"
    "以实际行动和优异成绩践行对党的忠诚。",
)

NUMERALS = "一二三四五六七八"

# -- content: word pools -------------------------------------------------------------------

THEMES = {
    "乡村振兴": {
        "area": (
            "高标准农田建设",
            "农村人居环境整治",
            "村集体经济发展",
            "特色产业培育",
            "农村电商",
            "土地流转",
            "防止规模性返贫",
            "和美乡村建设",
            "农村生活污水治理",
            "撂荒地复耕",
            "农业社会化服务",
            "乡村文明实践",
            "村级道路维护",
            "农产品冷链物流",
            "驻村帮扶",
        ),
        "problem": (
            "产业链条短、附加值不高",
            "青壮年劳动力外出多",
            "村集体收入来源单一",
            "农田水利设施老化",
            "村民参与积极性不高",
            "帮扶项目后续管护跟不上",
            "农产品销路不稳定",
            "人居环境整治容易反弹",
        ),
        "result": (
            "村集体经营性收入突破{n}万元",
            "带动{n}户群众稳定增收",
            "新增流转土地{n}亩",
            "改造农村户厕{n}户",
            "发展家庭农场{n}家",
            "培育致富带头人{n}名",
        ),
        "people": ("种粮大户", "驻村第一书记", "村支书", "脱贫户", "合作社负责人", "返乡青年"),
    },
    "基层治理": {
        "area": (
            "网格化管理",
            "接诉即办",
            "矛盾纠纷多元化解",
            "社区议事协商",
            "物业服务管理",
            "老旧小区改造",
            "平安社区建设",
            "志愿服务队伍建设",
            "居民自治",
            "流动人口服务",
            "一站式矛盾调解中心",
            "社区工作者队伍建设",
            "党建引领小区治理",
            "信访积案化解",
        ),
        "problem": (
            "网格员力量配备不足",
            "部门之间协同不够顺畅",
            "居民诉求反映渠道不畅",
            "矛盾纠纷发现不及时",
            "物业纠纷反复出现",
            "社区减负还不到位",
            "基层干部本领恐慌",
            "信息平台数据不共享",
        ),
        "result": (
            "化解矛盾纠纷{n}件",
            "诉求办结率达到百分之九十{d}",
            "完成老旧小区改造{n}个",
            "组建志愿服务队{n}支",
            "办结群众诉求{n}件",
            "新建议事协商平台{n}个",
        ),
        "people": ("网格员", "社区书记", "楼栋长", "退休老党员", "物业经理", "居民代表"),
    },
    "营商环境": {
        "area": (
            "一网通办",
            "企业开办",
            "项目审批",
            "惠企政策直达",
            "政务服务中心窗口建设",
            "涉企收费清理",
            "中小企业融资",
            "招商引资",
            "专精特新企业培育",
            "帮办代办服务",
            "信用体系建设",
            "重点项目包保",
            "工程建设项目审批制度改革",
            "园区配套设施",
        ),
        "problem": (
            "审批环节仍然偏多",
            "政策宣传不够精准",
            "部门数据壁垒尚未打通",
            "企业融资难融资贵",
            "个别窗口服务意识不强",
            "项目落地周期偏长",
            "园区配套设施不完善",
            "政策兑现不够及时",
        ),
        "result": (
            "企业开办时间压缩到{n}个工作日",
            "帮助企业解决问题{n}个",
            "新增市场主体{n}户",
            "兑现惠企资金{n}万元",
            "引进项目{n}个",
            "审批事项精简{n}项",
        ),
        "people": ("企业负责人", "个体工商户", "窗口工作人员", "园区管委会干部", "投资客商"),
    },
    "生态环保": {
        "area": (
            "河长制湖长制落实",
            "大气污染防治",
            "黑臭水体治理",
            "垃圾分类",
            "秸秆禁烧",
            "污水管网建设",
            "扬尘治理",
            "生态修复",
            "中央环保督察反馈问题整改",
            "节能降碳",
            "湿地保护",
            "长江大保护",
            "餐饮油烟整治",
            "城乡环境卫生整治",
        ),
        "problem": (
            "污水管网覆盖存在短板",
            "环境问题反弹回潮",
            "企业环保主体责任落实不到位",
            "监管执法力量薄弱",
            "群众环保意识有待提升",
            "整改长效机制不健全",
            "雨污分流改造推进偏慢",
            "监测能力跟不上",
        ),
        "result": (
            "空气优良天数比例提高{n}个百分点",
            "整治黑臭水体{n}条",
            "新建污水管网{n}公里",
            "办结环境信访件{n}件",
            "修复生态岸线{n}公里",
            "完成督察整改任务{n}项",
        ),
        "people": ("河道保洁员", "环保执法队员", "企业环保负责人", "沿河群众", "社区居民"),
    },
    "安全生产": {
        "area": (
            "安全生产隐患排查",
            "燃气安全整治",
            "消防安全",
            "道路交通安全",
            "自建房安全排查",
            "防汛抗旱",
            "危险化学品监管",
            "建筑施工安全",
            "电动自行车安全管理",
            "森林防火",
            "应急预案演练",
            "安全生产责任制落实",
            "校园周边安全",
            "食品安全监管",
        ),
        "problem": (
            "隐患排查存在盲区",
            "企业主体责任压得不实",
            "基层监管力量不足",
            "应急处置能力不强",
            "安全培训流于形式",
            "整改闭环不够到位",
            "群众安全意识淡薄",
            "部门监管存在交叉空白",
        ),
        "result": (
            "排查整改隐患{n}处",
            "开展应急演练{n}场",
            "关停取缔违规经营场所{n}家",
            "培训从业人员{n}人次",
            "更换燃气软管{n}户",
            "清理消防通道{n}处",
        ),
        "people": ("安全员", "企业负责人", "消防队员", "燃气公司师傅", "施工班组长"),
    },
    "民生保障": {
        "area": (
            "就业帮扶",
            "养老服务",
            "托育服务",
            "义务教育优质均衡",
            "医疗卫生服务",
            "困难群众救助",
            "住房保障",
            "社区食堂建设",
            "残疾人关爱",
            "退役军人服务",
            "城乡居民医保",
            "稳岗扩就业",
            "老年助餐服务",
            "未成年人保护",
        ),
        "problem": (
            "养老服务供给不足",
            "优质教育资源分布不均",
            "基层医疗服务能力偏弱",
            "困难群众动态监测不够及时",
            "就业岗位与求职需求不匹配",
            "服务设施布局不够合理",
            "政策知晓率不高",
            "部门救助信息不共享",
        ),
        "result": (
            "新增就业岗位{n}个",
            "建成社区食堂{n}家",
            "发放救助资金{n}万元",
            "新增托位{n}个",
            "开展上门服务{n}人次",
            "新增养老床位{n}张",
        ),
        "people": ("独居老人", "低保户", "高校毕业生", "退役军人", "残疾人家属", "乡村医生"),
    },
}

ACTS = (
    "推进",
    "抓好",
    "统筹",
    "谋划",
    "落实",
    "深化",
    "完善",
    "攻坚",
    "聚焦",
    "抓实",
    "扎实推进",
)
TIMES = (
    "今年以来",
    "主题教育期间",
    "上半年",
    "去年以来",
    "近三个月",
    "今年春节前后",
    "汛期前",
    "三季度",
    "五一前后",
    "开展“大走访”活动期间",
)
VISITS = ("先后{k}次深入", "带队到", "利用周末走进", "以“四不两直”方式来到", "随机走访了")
STATUS = (
    "取得了阶段性成效",
    "仍有不少短板",
    "推进情况参差不齐",
    "群众反映总体较好",
    "还有一些堵点",
    "进展比预期要慢",
    "亮点和不足并存",
)
ACTIONS = (
    "召开现场协调会",
    "建立问题清单、责任清单、整改清单",
    "实行领导包案",
    "组织相关部门联合会商",
    "推行“一件事一次办”",
    "建立周调度、月通报机制",
    "把问题列入专项整治台账",
    "由班子成员分片包干",
    "引入第三方评估",
    "开展“回头看”",
)
STANDARDS = (
    "党章党规",
    "主题教育的目标要求",
    "先进典型",
    "群众期盼",
    "岗位职责",
    "习近平总书记的重要指示精神",
    "区委的工作部署",
)
WEAKS = (
    "理论学习的系统性",
    "调查研究的深度",
    "抓落实的力度",
    "改革创新的魄力",
    "联系服务群众",
    "斗争精神",
    "统筹协调",
    "专业能力",
)
GAPS = (
    "一定差距",
    "明显不足",
    "不小差距",
    "薄弱环节",
    "一些短板",
)
CAUSES = (
    "根源在于学习的自觉性还不够强",
    "主要是习惯于凭经验办事",
    "说到底是宗旨意识树得不牢",
    "原因在于深入基层不够经常",
    "归根结底是担当精神不足",
    "主要是满足于完成上级交办任务",
)
PLANS = (
    "坚持问题导向",
    "完善工作机制",
    "加强督促检查",
    "强化要素保障",
    "压实各方责任",
    "健全长效机制",
    "加大资金投入",
    "抓好队伍建设",
    "推动政策落地",
    "做好跟踪问效",
    "注重典型引路",
    "加强部门联动",
)
MATTERS = (
    "群众切身利益",
    "发展全局",
    "党的执政根基",
    "社会和谐稳定",
    "高质量发展成色",
)
FEELINGS = (
    "深受触动",
    "感触很深",
    "久久不能平静",
    "深感责任重大",
    "更加认识到差距",
)
ANECDOTES = (
    "拉着我的手说了很多心里话",
    "拿出一本记满问题的笔记本",
    "提了几条很实在的建议",
    "说起这几年的变化很是感慨",
    "反映的问题已经拖了好几年",
    "专门跑来感谢工作组",
)
SAW = ("看到", "发现", "感到", "了解到")
WORK = ("这项工作", "相关工作", "工作推进", "基层落实")
SAID = ("反映", "提出", "说起", "谈到")
ENDINGS = (
    "目前已在全区推广",
    "群众反响较好",
    "这一做法得到了上级肯定",
    "下一步将总结经验逐步推开",
    "形成了可复制的经验",
    "",
)
NEXT = ("下一步", "今后", "在下步工作中", "接下来")
REALIZED = (
    "学习中我深刻认识到",
    "通过学习我体会到",
    "我越来越感到",
    "实践告诉我们",
    "这让我认识到",
)
OPINIONS = (
    "是软任务",
    "见效慢、不出成绩",
    "是部门的事",
    "只要完成上级指标就行",
    "投入大、风险高",
)
GENERIC = {
    "actions": ACTIONS,
    "acts": ACTS,
    "plans": PLANS,
    "status": STATUS,
    "times": TIMES,
    "endings": ENDINGS,
}
PLACE_CHARS = "东西南北青山湖石桥新塘田坪岗溪河沙洲岭林竹梅桂荷柳杨李王何刘陈罗朱黄张"
PLACE_KINDS = ("村", "社区", "镇", "街道", "小区", "工业园", "产业园")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"

# A copier's word changes: word -> another word of the same meaning.
SYNONYMS = {
    "推进": "推动",
    "我们": "我们班子",
    "群众": "老百姓",
    "切实": "扎实",
    "进一步": "更加",
    "明显": "显著",
    "问题": "难题",
    "加强": "强化",
    "深刻": "深切",
    "认真": "仔细",
    "坚持": "始终坚持",
    "工作": "各项工作",
    "深入": "深度",
    "短板": "弱项",
}


def _place(rng: random.Random) -> str:
    return "".join(rng.sample(PLACE_CHARS, 2)) + rng.choice(PLACE_KINDS)


def _person(rng: random.Random, pool) -> str:
    return rng.choice(pool) + rng.choice(("老", "小")) + rng.choice(SURNAMES)


def _fill(rng: random.Random, template: str) -> str:
    return (
        template.replace("{n}", str(rng.randint(3, 480)))
        .replace("{d}", str(rng.randint(1, 9)))
        .replace("{k}", "二三四五六七八"[rng.randrange(7)])
    )


def voice(rng: random.Random, theme: str) -> dict:
    """One author's way of writing on `theme`: the part of each word pool he draws from (an
    article dwells on a few of the theme's topics, in its author's stock of phrases) and
    the sentence patterns he uses."""
    pools = {**THEMES[theme], **GENERIC}
    sizes = {"area": 6, "problem": 4, "result": 4, "people": 3}
    out = {
        name: rng.sample(pool, min(len(pool), sizes.get(name, 4))) for name, pool in pools.items()
    }
    out["patterns"] = rng.sample(range(14), 9)
    return out


def content_sentence(rng: random.Random, theme: str, words: dict | None = None) -> str:
    """One content sentence about `theme`, ending with "。", composed from the word pools
    (those of `words`, a `voice`, when given)."""
    w = words or {**THEMES[theme], **GENERIC, "patterns": range(14)}
    c = rng.choice
    area, other = rng.sample(w["area"], 2)
    result = _fill(rng, c(w["result"]))
    problem = c(w["problem"])
    people = w["people"]
    ACTIONS, ACTS, PLANS, STATUS, TIMES, ENDINGS = (  # noqa: N806
        w[k] for k in ("actions", "acts", "plans", "status", "times", "endings")
    )
    pick = c(w["patterns"])
    if pick == 0:
        return (
            f"{c(TIMES)}，我{_fill(rng, c(VISITS))}{_place(rng)}调研{area}，"
            f"{c(SAW)}{c(WORK)}{c(STATUS)}。"
        )
    if pick == 1:
        return (
            f"{_place(rng)}的{_person(rng, people)}{c(SAID)}{problem}，我们{c(ACTIONS)}，{result}。"
        )
    if pick == 2:
        return f"围绕{area}，我们{c(ACTS)}{other}，{c(ACTIONS)}，{result}{c(ENDINGS)}。"
    if pick == 3:
        return f"{c(TIMES)}，全区{result}，但{area}{c(('方面', '领域', '工作中'))}{problem}的问题依然存在。"
    if pick == 4:
        return (
            f"对照{c(STANDARDS)}，我在{c(WEAKS)}方面还存在{c(GAPS)}，"
            f"{c(('比如', '特别是', '具体表现为'))}在{area}上{problem}，{c(CAUSES)}。"
        )
    if pick == 5:
        plans = rng.sample(PLANS, 2)
        return (
            f"{c(NEXT)}，我将{plans[0]}，{plans[1]}，把{area}作为"
            f"{c(('重点任务', '突破口', '硬任务', '民生实事', '一号工程'))}{c(ACTS)}，"
            f"{c(('力争', '确保', '争取'))}{result}。"
        )
    if pick == 6:
        return (
            f"{c(REALIZED)}，{area}事关{c(MATTERS)}，必须{c(PLANS)}、{c(PLANS)}，"
            f"{c(('不能搞形式', '不能等靠要', '不能一阵风', '不能畏难', '决不能松劲'))}。"
        )
    if pick == 7:
        return (
            f"在{_place(rng)}，{_person(rng, people)}{c(ANECDOTES)}，"
            f"{c(('这件事让我', '我听了', '当时我'))}{c(FEELINGS)}。"
        )
    if pick == 8:
        return (
            f"针对{problem}，我们在{_place(rng)}{c(('先行试点', '探索开展', '率先推行'))}{area}，"
            f"{c(ACTIONS)}，{result}，{c(ENDINGS)}。"
        )
    if pick == 9:
        return (
            f"截至{rng.randint(3, 11)}月底，{area}累计{result}，"
            f"完成年度目标的百分之{rng.randint(55, 98)}。"
        )
    if pick == 10:
        return (
            f"有的同志认为{area}{c(OPINIONS)}，这种认识是片面的，"
            f"{c(('实际上', '恰恰相反', '事实证明'))}，{other}{c(STATUS)}，根子都在{area}上。"
        )
    if pick == 11:
        return f"回顾{c(TIMES)}的工作，{area}之所以{c(STATUS)}，关键在于{c(PLANS)}。"
    if pick == 12:
        return (
            f"{_place(rng)}把{area}和{other}结合起来，{c(ACTIONS)}，{result}，"
            f"{c(('值得认真总结', '给了我很大启发', '说明办法总比困难多'))}。"
        )
    return (
        f"{c(NEXT)}，要{c(('聚焦', '紧盯', '瞄准'))}{problem}这个{c(('堵点', '难点', '痛点'))}，"
        f"{c(ACTS)}{area}，{c(PLANS)}。"
    )


def generic_sentence(rng: random.Random) -> str:
    """A content sentence on no theme (what a copier adds to make a text look his own)."""
    return (
        f"作为{rng.choice(('分管领导', '班子成员', '单位主要负责人', '一名老党员'))}，"
        f"我在{rng.choice(WEAKS)}上{rng.choice(GAPS)}，今后要{rng.choice(PLANS)}、"
        f"{rng.choice(PLANS)}，{rng.choice(CAUSES)[:2]}在于行动。"
    )


def _paragraph(rng: random.Random, theme: str, number: int, heading, words: dict) -> str:
    lead, tail = heading
    sentences = [f"{NUMERALS[number]}、坚持{lead}，{tail}。"]
    if rng.random() < 0.7:
        sentences.append(
            f"{rng.choice(('我们要', '必须', '要始终', '我深刻体会到，要'))}"
            f"{rng.choice(FORMULAS)}，{rng.choice(FORMULAS)}。"
        )
    sentences.extend(content_sentence(rng, theme, words) for _ in range(rng.randint(3, 6)))
    return "".join(sentences)


def article(rng: random.Random, theme: str, words: dict | None = None) -> str:
    """A leader's study article on `theme` (a key of `THEMES`): 5–8 paragraphs, ~1,500
    characters, joined by "\\n", in the author's `words` (a `voice`; a new author's when
    not given)."""
    words = words or voice(rng, theme)
    body = rng.randint(3, 6)
    headings = rng.sample(HEADINGS, body)
    paragraphs = [rng.choice(OPENINGS) + content_sentence(rng, theme, words)]
    paragraphs.extend(_paragraph(rng, theme, i, h, words) for i, h in enumerate(headings))
    paragraphs.append(rng.choice(CLOSINGS))
    text = "\n".join(paragraphs)
    while len(text) < 1350:  # short draws: one more sentence in a body paragraph
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i] += content_sentence(rng, theme, words)
        text = "\n".join(paragraphs)
    return text


def _sentences(paragraph: str) -> list[str]:
    return [s + "。" for s in paragraph.split("。") if s]


def light_copy(rng: random.Random, text: str) -> str:
    """What a copier does to `text`: its body paragraphs reordered (and renumbered), one
    sentence replaced by another, and 3–6 words changed for words of the same meaning."""
    paragraphs = text.split("\n")
    body = paragraphs[1:-1]
    rng.shuffle(body)
    for number, paragraph in enumerate(body):
        if paragraph[1:2] == "、":  # renumber the heading
            body[number] = NUMERALS[number] + paragraph[1:]
    paragraphs = [paragraphs[0], *body, paragraphs[-1]]
    i = rng.randrange(len(paragraphs))
    sentences = _sentences(paragraphs[i])
    sentences[rng.randrange(len(sentences))] = generic_sentence(rng)
    paragraphs[i] = "".join(sentences)
    copy = "\n".join(paragraphs)
    words = [w for w in SYNONYMS if w in copy]
    for word in rng.sample(words, min(len(words), rng.randint(3, 6))):
        spots = [j for j in range(len(copy)) if copy.startswith(word, j)]
        j = rng.choice(spots)
        copy = copy[:j] + SYNONYMS[word] + copy[j + len(word) :]
    return copy


def second_article(rng: random.Random, text: str, theme: str) -> str:
    """The same author's honest second article on `theme`: a new text in his words (the
    topics and phrases of `text`) that reuses about a third of the sentences of `text`,
    in other places."""
    own = [s for p in text.split("\n") for s in _sentences(p)]
    kept = rng.sample(own, round(len(own) / 3))
    words = voice(rng, theme)
    for name, pool in {**THEMES[theme], **GENERIC}.items():
        used = [w for w in pool if w and w in text]
        if len(used) >= 2:
            words[name] = used
    paragraphs = [_sentences(p) for p in article(rng, theme, words).split("\n")]
    slots = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
    for (i, j), sentence in zip(rng.sample(slots, min(len(kept), len(slots))), kept, strict=False):
        paragraphs[i][j] = sentence
    return "\n".join("".join(p) for p in paragraphs)


def corpus(
    rng: random.Random, n: int, planted: int = 0, seconds: int = 0
) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    """`n` articles as (code, text), codes "WZ00001"…, in random order: `planted` of them
    light copies of others, `seconds` of them honest second articles of others, the rest
    independent articles on random themes. Returns the items and the planted pairs
    (code_a, code_b) with code_a < code_b."""
    originals = n - planted - seconds
    if originals < max(planted, seconds, 1):
        raise ValueError("too few originals for the copies asked")
    themes = list(THEMES)
    texts = []
    for _ in range(originals):
        theme = rng.choice(themes)
        texts.append((theme, article(rng, theme)))
    sources = rng.sample(range(originals), planted + seconds)
    copies = []
    for number, source in enumerate(sources):
        theme, text = texts[source]
        if number < planted:
            copies.append((source, light_copy(rng, text)))
        else:
            texts.append((theme, second_article(rng, text, theme)))
    order = list(range(originals + seconds + planted))
    rng.shuffle(order)
    codes = {slot: f"WZ{position + 1:05d}" for position, slot in enumerate(order)}
    everything = [t for _, t in texts] + [c for _, c in copies]
    items = sorted((codes[slot], text) for slot, text in enumerate(everything))
    pairs = set()
    for number, (source, _) in enumerate(copies):
        a, b = codes[source], codes[len(texts) + number]
        pairs.add((min(a, b), max(a, b)))
    return items, pairs
