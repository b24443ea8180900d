"""The research part of the demo district: the 12 categories, 37 topics led by members of
the four leadership teams (work group WG-SJBZ), exactly 52 trips 已完成 plus some 计划 and
已取消, 37 reports, and a few planted conflicts of each kind (扎堆, 多头, 重复) so that the
office's page is not empty. Deterministic for a seed; a second run changes nothing."""

import datetime as dt
import random

from taizhang.core.cells import SHANGHAI
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.models import Enterprise, WorkGroup
from taizhang.shell.demo import DemoContext, demo_step

from .services import DEFAULT_CATEGORIES

CATEGORIES = DEFAULT_CATEGORIES
TOPICS = 37
DONE, PLANNED, CANCELLED = 52, 9, 4
REPORTS = 37
SUBJECTS = {
    "经济发展": ["数字经济发展", "传统产业转型升级", "招商引资质效"],
    "城市建设": ["城市更新行动", "老旧小区改造", "断头路打通"],
    "乡村振兴": ["村集体经济壮大", "高标准农田建设", "农村人居环境整治"],
    "民生保障": ["15分钟养老服务圈", "普惠托育服务", "稳就业促增收"],
    "营商环境": ["涉企服务“一件事”", "惠企政策直达", "企业诉求闭环办理"],
    "基层治理": ["网格化治理", "物业管理融入社区治理", "矛盾纠纷多元化解"],
    "生态环保": ["赣江沿岸生态保护", "黑臭水体治理"],
    "安全生产": ["城镇燃气安全", "自建房安全隐患整治"],
    "教育卫生": ["义务教育优质均衡", "基层医疗服务能力"],
    "文化旅游": ["夜间经济与文旅消费", "红色资源保护利用"],
    "党的建设": ["两新组织党建", "党员教育管理"],
    "作风建设": ["基层减负", "干部担当作为"],
}


def category_rows() -> list[dict]:
    return [{"code": f"LX-{n:02d}", "name": name} for n, name in enumerate(CATEGORIES, 1)]


def topic_rows(leads: list[str]) -> list[dict]:
    subjects = [(c, s) for c in CATEGORIES for s in SUBJECTS[c]]
    rows = []
    for n in range(1, TOPICS + 1):
        category, subject = subjects[(n - 1) % len(subjects)]
        rows.append(
            {
                "code": f"XT-{n:02d}",
                "name": f"关于{subject}的调研",
                "category": f"LX-{CATEGORIES.index(category) + 1:02d}",
                "lead": leads[(n - 1) % len(leads)],
            }
        )
    return rows


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def trip_rows(demo: DemoContext, topics: list[dict], leads: list[str]) -> list[dict]:
    """52 completed trips spread over the campaign and its targets (three weeks apart at
    any one target), the planned and cancelled ones, then the planted conflicts."""
    rng = random.Random(demo.seed + 505)
    firms = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", flat=True))
    targets = list(demo.committees) + rng.sample(demo.branches, min(20, len(demo.branches)))
    targets += rng.sample(firms, min(20, len(firms)))
    rng.shuffle(targets)
    rows = []
    start = dt.date(2023, 9, 25)

    def add(topic, leader, day, target, status, hours=(9, 17), place=""):
        rows.append(
            {
                "code": f"DY-{len(rows) + 1:03d}",
                "topic": topic["code"],
                "leader": leader,
                "starts_at": _at(day, hours[0]),
                "ends_at": _at(day, hours[1]),
                "target": target,
                "place": place or "现场调研",
                "status": status,
                "findings": "企业反映用工、融资方面存在困难；部分政策知晓率不高。"
                if status == "已完成"
                else "",
            }
        )

    statuses = ["已完成"] * (DONE - 4) + ["计划"] * (PLANNED - 2) + ["已取消"] * CANCELLED
    for n, status in enumerate(statuses):
        topic = topics[n % (len(topics) - 2)]  # the last two topics: no trip yet
        # Each target is visited once in this loop: no conflict unless planted below.
        target = targets[n % len(targets)]
        day = start + dt.timedelta(days=(n * 5) % 60)
        if status == "计划":
            day = dt.date(2023, 11, 27) + dt.timedelta(days=n % 4)
        add(topic, topic["lead"], day, target, status)
    spare = [t for t in firms if t not in targets][:3] or targets[:3]
    # 扎堆: two leaders of different topics at one enterprise, three days apart.
    add(topics[0], topics[0]["lead"], dt.date(2023, 10, 9), spare[0], "已完成")
    add(topics[5], topics[5]["lead"], dt.date(2023, 10, 12), spare[0], "已完成")
    # 多头: two topics of one category, led by two leaders, at one target a month apart.
    same = [
        t
        for t in topics
        if t["category"] == topics[1]["category"] and t["lead"] != topics[1]["lead"]
    ]
    other = same[0] if same else topics[2]
    add(topics[1], topics[1]["lead"], dt.date(2023, 10, 16), spare[1], "已完成")
    add(other, other["lead"], dt.date(2023, 11, 20), spare[1], "计划")
    # 重复: the same topic at the same branch twice, by its lead, five weeks apart.
    add(topics[3], topics[3]["lead"], dt.date(2023, 10, 10), spare[2], "已完成")
    add(topics[3], topics[3]["lead"], dt.date(2023, 11, 14), spare[2], "计划")
    return rows


def report_rows(topics: list[dict], trips: list[dict]) -> list[dict]:
    """37 reports: one for most topics with a completed trip, two for a few."""
    done = [
        t["code"]
        for t in topics
        if any(r["topic"] == t["code"] and r["status"] == "已完成" for r in trips)
    ]
    # Most topics one report, a few two; some topics with trips have none yet.
    with_reports = done[: max(1, len(done) - 7)]
    chosen = (with_reports + with_reports)[:REPORTS]
    rows = []
    for n, code in enumerate(sorted(chosen), 1):
        topic = next(t for t in topics if t["code"] == code)
        rows.append(
            {
                "code": f"BG-{n:02d}",
                "topic": code,
                "title": topic["name"].removesuffix("的调研") + "调研报告",
                "finished_on": dt.date(2023, 10, 20) + dt.timedelta(days=n),
                "body": f"{topic['name']}形成的调研报告：一、基本情况；二、存在问题；三、对策建议。",
            }
        )
    return rows


@demo_step(order=40)
def research(demo: DemoContext) -> dict:
    group = WorkGroup.objects.filter(code="WG-SJBZ").first()
    leads = sorted(group.members.values_list("code", flat=True)) if group else demo.leaders
    topics = topic_rows(leads or demo.leaders)
    trips = trip_rows(demo, topics, leads)
    outcomes = {}
    for name, rows in (
        ("research_categories", category_rows()),
        ("research_topics", topics),
        ("research_trips", trips),
        ("research_reports", report_rows(topics, trips)),
    ):
        outcome = ledger_write(ledger=registry[name], actor=None, rows=[(None, r) for r in rows])
        if not outcome.ok:
            raise RuntimeError(
                f"演示数据有误（{name}）：" + "；".join(p.line() for p in outcome.problems[:5])
            )
        outcomes[name] = outcome
    return outcomes
