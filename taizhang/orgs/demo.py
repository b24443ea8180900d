"""The base of the demo district 青山湖区 (QSH): org tree, people, leaders, cadres,
enterprises and work groups at the scale of the article. Deterministic for a seed and
written through the ledger service, so a second run finds every row unchanged."""

import random
from dataclasses import dataclass, field

from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.shell.demo import DemoContext, demo_step

from .validators import CREDIT_CHARSET, credit_check_character

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰文辉力明海燕晓东春梅新华丽娟俊峰宇航欣怡子涵浩然思远雨轩嘉怡梓萱一鸣建华立新永红德胜"
# (name, kind, field, general branches, branches per general branch, direct branches)
COMMITTEES = [
    ("湖坊镇党委", "党委", "农村", 4, 14, 6),
    ("塘山镇党委", "党委", "农村", 4, 14, 6),
    ("罗家镇党委", "党委", "农村", 4, 14, 6),
    ("京东镇党委", "党委", "农村", 4, 14, 6),
    ("扬子洲镇党委", "党委", "农村", 3, 14, 5),
    ("湖坊街道党工委", "党工委", "社区", 3, 15, 8),
    ("上海路街道党工委", "党工委", "社区", 3, 15, 8),
    ("京东街道党工委", "党工委", "社区", 3, 15, 8),
    ("塘山街道党工委", "党工委", "社区", 3, 15, 8),
    ("青山路街道党工委", "党工委", "社区", 3, 15, 8),
    ("高新区党工委", "党工委", "非公企业", 4, 15, 6),
    ("区直机关工委", "党工委", "机关", 5, 13, 10),
    ("区教育体育局党委", "党委", "学校", 4, 13, 6),
    ("区卫生健康委党委", "党委", "事业单位", 3, 13, 6),
    ("区国资委党委", "党委", "国有企业", 3, 13, 5),
    ("区非公经济组织党委", "党委", "非公企业", 4, 15, 8),
    ("区社会组织党委", "党委", "社会组织", 3, 13, 6),
    ("区市场监管局党组", "党组", "机关", 2, 11, 4),
    ("区城管局党组", "党组", "机关", 2, 11, 4),
    ("区农业农村局党组", "党组", "机关", 2, 11, 4),
]
FOUR_TEAMS = ["区委常委", "区人大常委会领导", "区政府领导", "区政协领导"]
WORK_GROUPS = ["综合协调组", "学习培训组", "调查研究组", "检视整改组", "宣传报道组", "督导指导组"]
ENTERPRISE_KINDS = [
    "规上工业",
    "限上批零住餐",
    "资质内建筑业",
    "房地产开发经营",
    "规上服务业",
    "其他",
]
ENTERPRISE_WORDS = "鑫盛华泰宏达恒通源昌隆兴旺佳和瑞丰洪城赣江豫章青山湖昌南天虹绿洲"
ENTERPRISE_TRADES = ["科技", "实业", "建设", "贸易", "置业", "食品", "医药", "物流", "电子", "餐饮"]


@dataclass
class Scale:
    """Sizes of the district; tests build a small one, the demo the article's."""

    members: int = 30000
    leaders: int = 100
    four_teams: int = 37
    # 包联 cadres: the county-level leaders each look after a few enterprises too, so the
    # 1,152 who look after the 5,760 enterprises are the leaders and 1,052 other cadres.
    cadres: int = 1152
    enterprises_per_cadre: int = 5
    committees: list = field(default_factory=lambda: COMMITTEES)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + f"{rng.randrange(10**9):09d}"


def _credit_code(rng: random.Random, n: int) -> str:
    body = "91360111" + "".join(rng.choice(CREDIT_CHARSET) for _ in range(5)) + f"{n:04d}"
    return body + credit_check_character(body)


def org_rows(scale: Scale):
    rows = [{"code": "QSH", "name": "青山湖区委", "parent": "", "kind": "区委"}]
    branches = []
    for i, (name, kind, area, generals, per_general, direct) in enumerate(scale.committees, 1):
        committee = f"QSH-{i:02d}"
        rows.append(
            {"code": committee, "name": name, "parent": "QSH", "kind": kind, "category": area}
        )
        stem = name.removesuffix(kind)
        for g in range(1, generals + 1):
            general = f"{committee}-Z{g:02d}"
            rows.append(
                {
                    "code": general,
                    "name": f"{stem}第{g}党总支",
                    "parent": committee,
                    "kind": "党总支",
                    "category": area,
                }
            )
            for b in range(1, per_general + 1):
                code = f"{general}-{b:02d}"
                rows.append(
                    {
                        "code": code,
                        "name": f"{stem}第{g}党总支第{b}党支部",
                        "parent": general,
                        "kind": "党支部",
                        "category": area,
                    }
                )
                branches.append((code, area))
        for d in range(1, direct + 1):
            code = f"{committee}-D{d:02d}"
            rows.append(
                {
                    "code": code,
                    "name": f"{stem}直属第{d}党支部",
                    "parent": committee,
                    "kind": "党支部",
                    "category": area,
                }
            )
            branches.append((code, area))
    return rows, branches


def _kinds(rng: random.Random, area: str) -> str:
    kinds = []
    retired = rng.random() < (0.35 if area in ("社区", "农村") else 0.12)
    if retired:
        kinds.append("离退休")
        if rng.random() < 0.3:
            kinds.append("年老体弱")
    elif rng.random() < 0.22:
        kinds.append("青年")
    if area in ("农村", "非公企业") and rng.random() < 0.12:
        kinds.append("流动党员")
    return "、".join(kinds)


def people_rows(scale: Scale, branches, rng: random.Random):
    return [
        *_leaders(scale, branches, rng),
        *_cadres(scale, branches, rng),
        *_members(scale, branches, rng),
    ]


def _leaders(scale: Scale, branches, rng: random.Random):
    committees = sorted({code.split("-Z")[0].split("-D")[0] for code, _ in branches})
    for n in range(1, scale.leaders + 1):
        title = FOUR_TEAMS[(n - 1) % 4] if n <= scale.four_teams else "县处级领导干部"
        liaison = rng.sample([c for c, _ in branches], 2) + [rng.choice(committees)]
        yield {
            "code": f"L{n:04d}",
            "name": _name(rng),
            "org": "QSH",
            "title": title,
            "mobile": _mobile(rng),
            "is_leader": True,
            "is_member": True,
            "liaison_orgs": sorted(liaison),
        }


def _cadres(scale: Scale, branches, rng: random.Random):
    """The cadres who each look after a handful of enterprises, from the organs' branches."""
    organ_branches = [code for code, area in branches if area == "机关"] or [c for c, _ in branches]
    for n in range(1, scale.cadres - scale.leaders + 1):
        yield {
            "code": f"C{n:05d}",
            "name": _name(rng),
            "org": organ_branches[n % len(organ_branches)],
            "title": "包联干部",
            "mobile": _mobile(rng),
            "is_leader": False,
            "is_member": True,
        }


def _members(scale: Scale, branches, rng: random.Random):
    for n in range(1, scale.members - scale.cadres + 1):
        code, area = branches[n % len(branches)]
        title = (
            "支部书记" if n <= len(branches) else ("支部委员" if n <= 3 * len(branches) else "党员")
        )
        yield {
            "code": f"M{n:06d}",
            "name": _name(rng),
            "org": code,
            "title": title,
            "mobile": _mobile(rng) if rng.random() < 0.9 else "",
            "is_leader": False,
            "is_member": True,
            "kinds": _kinds(rng, area),
        }


def enterprise_rows(scale: Scale, rng: random.Random):
    towns = [
        f"QSH-{i:02d}"
        for i, c in enumerate(scale.committees, 1)
        if c[2] in ("农村", "社区", "非公企业")
    ] or ["QSH"]
    rows, seen = [], set()
    for n in range(scale.cadres * scale.enterprises_per_cadre):
        code = _credit_code(rng, n)
        while code in seen:
            code = _credit_code(rng, n)
        seen.add(code)
        name = (
            "南昌"
            + "".join(rng.sample(ENTERPRISE_WORDS, 2))
            + rng.choice(ENTERPRISE_TRADES)
            + "有限公司"
        )
        rows.append(
            {
                "credit_code": code,
                "name": name,
                "kind": rng.choice(ENTERPRISE_KINDS),
                "local_org": towns[n % len(towns)],
                "cadres": [cadre_code(scale, n // scale.enterprises_per_cadre)],
            }
        )
    return rows


def cadre_code(scale: Scale, index: int) -> str:
    """The 包联 cadre number `index` (from 0): the leaders first, then the cadres."""
    if index < scale.leaders:
        return f"L{index + 1:04d}"
    return f"C{index - scale.leaders + 1:05d}"


def work_group_rows(scale: Scale, rng: random.Random):
    rows = [
        {
            "code": "WG-SJBZ",
            "name": "四套班子领导",
            "leader": "L0001",
            "members": [f"L{n:04d}" for n in range(1, scale.four_teams + 1)],
        }
    ]
    for i, name in enumerate(WORK_GROUPS, 1):
        leader = f"L{scale.four_teams + i:04d}"
        others = scale.cadres - scale.leaders
        members = sorted({f"C{rng.randrange(1, others + 1):05d}" for _ in range(6)})
        rows.append({"code": f"WG-{i:02d}", "name": name, "leader": leader, "members": members})
    return rows


def build_base(*, seed: int = 2023, scale: Scale | None = None) -> dict[str, object]:
    """Write the base ledgers; returns the outcome of each, in order."""
    scale = scale or Scale()
    rng = random.Random(seed)
    orgs, branches = org_rows(scale)
    steps = [
        ("orgs", orgs),
        ("people", people_rows(scale, branches, rng)),
        ("enterprises", enterprise_rows(scale, rng)),
        ("work_groups", work_group_rows(scale, rng)),
    ]
    outcomes = {}
    for name, rows in steps:
        outcome = ledger_write(ledger=registry[name], actor=None, rows=[(None, r) for r in rows])
        if not outcome.ok:
            raise RuntimeError(
                f"演示数据有误（{name}）：" + "；".join(p.line() for p in outcome.problems[:5])
            )
        outcomes[name] = outcome
    return outcomes


def scaled(factor: float) -> Scale:
    """The district at a fraction of the article's size (tests build a small one)."""
    if factor >= 1:
        return Scale()
    base = Scale()
    step = max(1, round(1 / max(factor, 0.05)))
    committees = base.committees[::step]
    return Scale(
        members=max(400, int(base.members * factor)),
        leaders=max(12, int(base.leaders * factor)),
        four_teams=max(4, int(base.four_teams * factor)),
        cadres=max(30, int(base.cadres * factor)),
        committees=[(n, k, a, min(g, 2), min(p, 3), min(d, 2)) for n, k, a, g, p, d in committees],
    )


@demo_step(order=10)
def base(demo: DemoContext) -> dict:
    """The org tree, people, enterprises and work groups; leaves the district's branches,
    committees, leaders, cadres and members for later steps."""
    from .services import categories_ensure_defaults

    categories_ensure_defaults()
    scale = scaled(demo.factor)
    outcomes = build_base(seed=demo.seed, scale=scale)
    orgs, branches = org_rows(scale)
    demo.branches = [code for code, _ in branches]
    demo.committees = [row["code"] for row in orgs if row.get("parent") == "QSH"]
    demo.leaders = [f"L{n:04d}" for n in range(1, scale.leaders + 1)]
    demo.cadres = [f"C{n:05d}" for n in range(1, scale.cadres - scale.leaders + 1)]
    members: dict[str, list[str]] = {}
    for n in range(1, scale.members - scale.cadres + 1):
        members.setdefault(demo.branches[n % len(demo.branches)], []).append(f"M{n:06d}")
    demo.members = members
    demo.shared["scale"] = scale
    return outcomes
