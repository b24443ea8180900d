"""The study part of the demo district: exactly 1,012 study plans (27 branches 未报送),
between 3,000 and 3,099 sessions whose attendance leaves a few percent of members not
reached (mostly 年老体弱 and 流动党员, some reached by 送学上门 and 返乡培训), the leaders'
sessions of the four forms, exactly 105 leaders' study articles (three of them recycled
texts) and some by others, exactly 121 publicity articles above the district plus the
district's own. Deterministic for a seed; a second run changes nothing."""

import datetime as dt
import random

from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.models import Organization, Person
from taizhang.shell.demo import DemoContext, demo_step

from . import corpus

START, END = dt.date(2023, 9, 15), dt.date(2023, 12, 1)
MISSING_PLANS = 27  # of the article's district (1,039 branches, 1,012 plans)
SESSIONS_TARGET = 3050
HOME_DELIVERIES = 420  # 送学上门 sessions, one to three elderly members each
YOUTH_GROUPS = 250  # 青年理论学习小组 sessions
RETURN_TRAININGS = 140  # 流动党员返乡培训 sessions around 国庆
LEADER_ARTICLES = 105
RECYCLED = 3  # leaders' articles that are light copies of another's
PUBLICITY_ABOVE = {"中央": 9, "省": 34, "市": 78}  # 121
PUBLICITY_DISTRICT = 64
LEVEL_PREFIX = {"中央": "ZY", "省": "S", "市": "SH", "区": "Q"}
THEMES = list(corpus.THEMES)  # the themes the article generator writes on
BRANCH_TOPICS = [
    "学习党的二十大精神",
    "学习《习近平著作选读》",
    "学习习近平总书记考察江西重要讲话精神",
    "学习《习近平新时代中国特色社会主义思想专题摘编》",
    "学习党章党规",
    "学习新修订的《中国共产党纪律处分条例》",
    "观看专题教育片",
    "围绕“以学铸魂”开展交流研讨",
]
MEDIA = {
    "中央": ["人民日报", "新华社", "光明日报", "中国城市报", "共产党员网"],
    "省": ["江西日报", "江西卫视", "中国江西网", "当代江西"],
    "市": ["南昌日报", "南昌晚报", "南昌电视台", "南昌新闻网"],
    "区": ["青山湖发布", "青山湖区融媒体中心"],
}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _people() -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """{人员编号: (organization code, 人员类别)} of the branches' people (members and the
    cadres of the organs' branches), and {branch: its people's 人员编号}."""
    people, by_branch = {}, {}
    for code, org, kinds in (
        Person.objects.filter(is_leader=False, is_member=True)
        .order_by("code")
        .values_list("code", "org__code", "kinds")
    ):
        people[code] = (org, kinds)
        by_branch.setdefault(org, []).append(code)
    return people, by_branch


def plan_rows(demo: DemoContext) -> list[dict]:
    rng = random.Random(demo.seed + 101)
    branches = demo.branches
    missing = round(MISSING_PLANS * len(branches) / 1039) or 1
    skipped = set(rng.sample(branches, missing))
    names = dict(Organization.objects.filter(code__in=branches).values_list("code", "name"))
    return [
        {
            "code": f"JH-{code}",
            "org": code,
            "name": f"{names.get(code, code)}主题教育学习计划",
            "submitted_on": _day(rng, START, dt.date(2023, 10, 10)),
            "summary": "按照“8+3”分类指导要求，每月开展支部集中学习不少于一次，"
            "结合“三会一课”、主题党日开展专题学习。",
        }
        for code in branches
        if code not in skipped
    ]


class _Attendance:
    """Who of a branch attends a session: most members, rarely the 年老体弱 and 流动党员."""

    ABSENT = {"年老体弱": 0.7, "流动党员": 0.8}
    ABSENT_OTHER = 0.08

    def __init__(self, rng: random.Random, people: dict[str, tuple[str, str]]):
        self.rng = rng
        self.people = people
        self.reached: set[str] = set()

    def pick(self, codes: list[str]) -> list[str]:
        chosen = []
        for code in codes:
            kinds = self.people[code][1]
            absent = max(
                (p for k, p in self.ABSENT.items() if k in kinds), default=self.ABSENT_OTHER
            )
            if self.rng.random() >= absent:
                chosen.append(code)
        self.reached.update(chosen)
        return chosen


def session_rows(demo: DemoContext) -> list[dict]:
    rng = random.Random(demo.seed + 202)
    people, members = _people()
    attendance = _Attendance(rng, people)
    rows: list[dict] = []

    def add(prefix: str, org: str, day: dt.date, form: str, topic: str, attendees, place=""):
        rows.append(
            {
                "code": f"{prefix}-{len(rows) + 1:05d}",
                "org": org,
                "held_on": day,
                "form": form,
                "topic": topic,
                "attendees": sorted(set(attendees)),
                "place": place,
            }
        )

    rows += leader_sessions(demo, rng)
    branches = demo.branches
    scale = len(branches) / 1039
    fixed = (
        len(rows)
        + round(YOUTH_GROUPS * scale)
        + round(HOME_DELIVERIES * scale)
        + round(RETURN_TRAININGS * scale)
    )
    thirds = set(
        rng.sample(
            branches,
            max(0, min(len(branches), round(SESSIONS_TARGET * scale) - fixed - 2 * len(branches))),
        )
    )
    for branch in branches:
        codes = members.get(branch, [])
        first = _day(rng, START, dt.date(2023, 10, 31))
        # Most branches met in the last two weeks; a few have not (未开展).
        late = rng.random() < 0.94
        second = (
            _day(rng, dt.date(2023, 11, 18), END)
            if late
            else _day(rng, dt.date(2023, 10, 20), dt.date(2023, 11, 10))
        )
        topics = rng.sample(BRANCH_TOPICS, 3)
        add("XX", branch, first, "支部集中学习", topics[0], attendance.pick(codes), "党员活动室")
        add("XX", branch, second, "支部集中学习", topics[1], attendance.pick(codes), "党员活动室")
        if branch in thirds:
            add(
                "XX",
                branch,
                _day(rng, START, END),
                "支部集中学习",
                topics[2],
                attendance.pick(codes),
            )
    youth_branches = [
        b for b in branches if any("青年" in people[c][1] for c in members.get(b, []))
    ]
    for branch in rng.sample(youth_branches, min(len(youth_branches), round(YOUTH_GROUPS * scale))):
        youth = [c for c in members[branch] if "青年" in people[c][1]]
        add(
            "QN",
            branch,
            _day(rng, START, END),
            "青年理论学习小组",
            "青年理论学习小组专题学习",
            attendance.pick(youth),
        )
    # 送学上门 to elderly members not yet reached, one to three at a time.
    waiting = [
        (
            branch,
            [
                c
                for c in members.get(branch, [])
                if "年老体弱" in people[c][1] and c not in attendance.reached
            ],
        )
        for branch in branches
    ]
    waiting = [(b, codes) for b, codes in waiting if codes]
    for branch, codes in rng.sample(waiting, min(len(waiting), round(HOME_DELIVERIES * scale))):
        chosen = codes[: rng.randint(1, 3)]
        attendance.reached.update(chosen)
        add(
            "SX",
            branch,
            _day(rng, dt.date(2023, 10, 8), END),
            "送学上门",
            "送学上门：学习党的创新理论",
            chosen,
            "党员家中",
        )
    # 返乡培训 around 国庆 for mobile members not yet reached.
    home = [
        (
            branch,
            [
                c
                for c in members.get(branch, [])
                if "流动党员" in people[c][1] and c not in attendance.reached
            ],
        )
        for branch in branches
    ]
    home = [(b, codes) for b, codes in home if codes]
    for branch, codes in rng.sample(home, min(len(home), round(RETURN_TRAININGS * scale))):
        attendance.reached.update(codes)
        add(
            "FX",
            branch,
            _day(rng, dt.date(2023, 9, 29), dt.date(2023, 10, 6)),
            "流动党员返乡培训",
            "国庆流动党员返乡培训",
            codes,
        )
    return rows


def leader_sessions(demo: DemoContext, rng: random.Random) -> list[dict]:
    """The leading bodies study first: 第一议题 and 中心组 at the district, 读书班 and
    中心组 in every committee (its branch secretaries), 现场教学."""
    leaders = demo.leaders
    secretaries = list(
        Person.objects.filter(title="支部书记").order_by("code").values_list("code", "org__code")
    )
    rows = []

    def add(prefix, org, day, form, topic, attendees, place=""):
        rows.append(
            {
                "code": f"{prefix}-{len(rows) + 1:04d}",
                "org": org,
                "held_on": day,
                "form": form,
                "topic": topic,
                "attendees": sorted(set(attendees)),
                "place": place,
            }
        )

    for n in range(12):
        add(
            "LD",
            "QSH",
            START + dt.timedelta(days=6 * n + 1),
            "第一议题",
            f"“第一议题”学习（第{n + 1}次）",
            leaders[:37],
            "区委常委会议室",
        )
    for n in range(8):
        add(
            "LD",
            "QSH",
            START + dt.timedelta(days=9 * n + 3),
            "中心组专题学习",
            f"区委理论学习中心组专题学习（第{n + 1}次）",
            leaders,
            "区委会议室",
        )
    for n in range(2):
        add(
            "LD",
            "QSH",
            START + dt.timedelta(days=4 + 30 * n),
            "读书班集中学习",
            f"县处级领导干部读书班（第{n + 1}期）",
            leaders,
            "区委党校",
        )
    for n in range(20):
        add(
            "LD",
            "QSH",
            _day(rng, START, END),
            "现场教学",
            f"现场教学：{['方志敏纪念馆', '八一起义纪念馆', '小平小道', '江西革命烈士纪念堂'][n % 4]}",
            rng.sample(leaders, min(10, len(leaders))),
        )
    for committee in demo.committees:
        under = [c for c, org in secretaries if org.startswith(committee + "-")][:15]
        for n in range(4):
            add(
                "ZX",
                committee,
                _day(rng, START, END),
                "中心组专题学习",
                f"党委（党工委、党组）理论学习中心组专题学习（第{n + 1}次）",
                under,
            )
        add(
            "ZX",
            committee,
            _day(rng, START, dt.date(2023, 10, 31)),
            "读书班集中学习",
            "基层党组织书记读书班",
            under,
            "党校",
        )
    return rows


def article_rows(demo: DemoContext) -> list[dict]:
    rng = random.Random(demo.seed + 303)
    leaders = demo.leaders
    rows, texts = [], []
    # Every leader writes one; a few write a second (an honest one, on the same theme).
    authors = list(leaders)[:LEADER_ARTICLES]
    authors += rng.choices(leaders, k=LEADER_ARTICLES - len(authors))
    recycled = set(rng.sample(range(10, LEADER_ARTICLES), RECYCLED))
    written: dict[str, str] = {}
    for n, author in enumerate(authors, 1):
        theme = THEMES[n % len(THEMES)]
        if n - 1 in recycled:
            text = corpus.light_copy(rng, rng.choice(texts))  # a recycled text
        elif author in written:
            text = corpus.second_article(rng, written[author], theme)  # honest, same author
        else:
            text = corpus.article(rng, theme)
        written.setdefault(author, text)
        texts.append(text)
        rows.append(
            {
                "code": f"WZ-{n:03d}",
                "author": author,
                "title": f"以学铸魂　以学促干——{theme}学习体会",
                "finished_on": _day(rng, dt.date(2023, 9, 25), dt.date(2023, 11, 25)),
                "body": text,
            }
        )
    others = rng.sample(demo.cadres, min(40, len(demo.cadres)))
    for n, author in enumerate(others, 1):
        theme = THEMES[n % len(THEMES)]
        rows.append(
            {
                "code": f"WZ-G{n:03d}",
                "author": author,
                "title": f"{theme}心得体会",
                "finished_on": _day(rng, dt.date(2023, 9, 25), dt.date(2023, 11, 25)),
                "body": corpus.article(rng, theme),
            }
        )
    return rows


def publicity_rows(demo: DemoContext) -> list[dict]:
    rng = random.Random(demo.seed + 404)
    rows = []
    subjects = [
        "青山湖区扎实推动主题教育走深走实",
        "青山湖区“四下基层”解民忧",
        "青山湖：千名干部助万企",
        "青山湖区以学促干推动高质量发展",
        "青山湖区“送学上门”让老党员不掉队",
        "青山湖区聚焦检视整改办实事",
    ]
    levels = [(level, n) for level, n in PUBLICITY_ABOVE.items()] + [("区", PUBLICITY_DISTRICT)]
    for level, count in levels:
        for n in range(1, count + 1):
            media = rng.choice(MEDIA[level])
            rows.append(
                {
                    "code": f"GJ-{LEVEL_PREFIX[level]}-{n:03d}",
                    "title": f"{rng.choice(subjects)}（{media}）",
                    "media": media,
                    "level": level,
                    "published_on": _day(rng, dt.date(2023, 9, 20), END),
                    "link": f"https://news.example.cn/{level}/{n}",
                }
            )
    return rows


@demo_step(order=30)
def study(demo: DemoContext) -> dict:
    outcomes = {}
    for name, rows in (
        ("study_plans", plan_rows(demo)),
        ("study_sessions", session_rows(demo)),
        ("study_articles", article_rows(demo)),
        ("publicity", publicity_rows(demo)),
    ):
        outcome = ledger_write(ledger=registry[name], actor=None, rows=[(None, r) for r in rows])
        if not outcome.ok:
            raise RuntimeError(
                f"演示数据有误（{name}）：" + "；".join(p.line() for p in outcome.problems[:5])
            )
        outcomes[name] = outcome
    return outcomes
