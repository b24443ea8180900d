"""The visits part of the demo district: every one of the 5,760 enterprises visited by
one of its 包联 cadres (so exactly 1,152 cadres visited 市场主体), some visited twice;
the county-level leaders' visits month by month (most within the quota of 1–2 a month,
a few short, the three kinds of target mostly covered, some forums and tea talks); and
exactly 178 appeals in every state, with satisfaction where fed back, some overdue, one
reopened. Deterministic for a seed; a second run changes nothing."""

import datetime as dt
import random

from django.utils import timezone

from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.models import Enterprise, Organization, Person
from taizhang.shell.demo import DemoContext, demo_step

from .models import Appeal, AppealStatus, Satisfaction
from .services import appeal_reopen

APPEALS = 178
MONTHS = [(2023, 9), (2023, 10), (2023, 11)]
CATEGORIES = ["融资贷款", "用工招工", "政策咨询", "审批服务", "基础设施", "环境整治", "物业管理"]
CONTENTS = [
    "希望协调解决企业流动资金贷款难问题",
    "反映园区道路破损影响货车通行",
    "咨询高新技术企业认定有关政策",
    "希望加快厂房扩建审批进度",
    "反映用工缺口较大，希望组织专场招聘",
    "希望在企业周边增设公交站点",
    "反映小区物业服务不到位",
]


def _day(rng, start: dt.date, end: dt.date) -> dt.date:
    """A day of the period, never after today (a visit is recorded once it happened:
    a demo built during the campaign holds only the visits made so far)."""
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return min(day, timezone.localdate())


def enterprise_visits(rng) -> list[dict]:
    rows = []
    pairs = Enterprise.objects.order_by("credit_code").values_list(
        "credit_code", "name", "cadres__code"
    )
    for n, (credit, name, cadre) in enumerate(pairs, 1):
        if not cadre:
            continue
        visits = 2 if n % 9 == 0 else 1
        for k in range(visits):
            rows.append(
                {
                    "code": f"ZF-QY-{n:05d}-{k + 1}",
                    "visitors": [cadre],
                    "visited_on": _day(rng, dt.date(2023, 9, 18), dt.date(2023, 11, 30)),
                    "target_kind": "市场主体",
                    "target": credit,
                    "target_name": name,
                    "form": "入户走访",
                    "notes": "了解企业生产经营情况，宣讲惠企政策，收集意见建议。",
                }
            )
    return rows


def leader_visits(demo: DemoContext, rng) -> list[dict]:
    rows = []
    branches = demo.branches
    people = list(Person.objects.filter(title="支部书记").values_list("code", "name")[:500])
    own_firms: dict[str, list] = {}  # a leader visits the enterprises they look after
    for credit, name, cadre in Enterprise.objects.filter(cadres__is_leader=True).values_list(
        "credit_code", "name", "cadres__code"
    ):
        own_firms.setdefault(cadre, []).append((credit, name))
    orgs = dict(Organization.objects.filter(code__in=branches).values_list("code", "name"))
    for n, leader in enumerate(demo.leaders, 1):
        for year, month in MONTHS:
            count = 0 if n % 17 == 0 and month == 11 else 1 + (n + month) % 2
            kinds = ["城乡群众", "市场主体", "一线干部"][: count + (1 if month == 10 else 0)]
            for k, kind in enumerate(kinds):
                first = dt.date(year, month, 1 if month != 9 else 15)
                day = _day(rng, first, first.replace(day=28))
                if kind == "城乡群众":
                    code = rng.choice(branches)
                    target, name = code, orgs.get(code, "")
                    form = "入户走访"
                elif kind == "市场主体" and own_firms.get(leader):
                    target, name = rng.choice(sorted(own_firms[leader]))
                    form = "座谈会" if k % 2 else "茶话会"
                else:
                    kind = "一线干部"
                    target, name = rng.choice(people)
                    form = "座谈会"
                rows.append(
                    {
                        "code": f"ZF-LD-{leader}-{month:02d}-{k + 1}",
                        "visitors": [leader],
                        "visited_on": day,
                        "target_kind": kind,
                        "target": target,
                        "target_name": name,
                        "form": form,
                        "notes": "“四下基层”走访，听取意见建议。",
                    }
                )
    return rows


def appeal_rows(demo: DemoContext, rng, visits: list[dict]) -> list[dict]:
    from_firms = [v for v in visits if v["target_kind"] == "市场主体"]
    chosen = rng.sample(from_firms, APPEALS)
    committees = demo.committees
    states = (
        [AppealStatus.ACCEPTED] * 20
        + [AppealStatus.HANDLING] * 38
        + [AppealStatus.DONE] * 40
        + [AppealStatus.FED_BACK] * (APPEALS - 98)
    )
    rows = []
    for n, (visit, status) in enumerate(zip(chosen, states, strict=True), 1):
        if n == APPEALS:
            status = AppealStatus.HANDLING  # fed back 不满意 and reopened (below)
        collected = visit["visited_on"]
        fed_back = status == AppealStatus.FED_BACK
        rows.append(
            {
                "code": f"SQ-{n:03d}",
                "visit": visit["code"],
                "collected_on": collected,
                "appellant": visit["target_name"][:20],
                "category": CATEGORIES[n % len(CATEGORIES)],
                "content": CONTENTS[n % len(CONTENTS)],
                "org": committees[n % len(committees)],
                "due_on": collected + dt.timedelta(days=15),
                "status": status,
                "result": "已协调相关部门办理，并向诉求人作出答复。"
                if status in (AppealStatus.DONE, AppealStatus.FED_BACK) or n == APPEALS
                else "",
                "satisfaction": (Satisfaction.FAIR if n % 7 == 0 else Satisfaction.SATISFIED)
                if fed_back
                else "",
            }
        )
    return rows


@demo_step(order=50)
def visits(demo: DemoContext) -> dict:
    rng = random.Random(demo.seed + 606)
    visit_rows = enterprise_visits(rng) + leader_visits(demo, rng)
    outcomes = {}
    for name, rows in (
        ("visits", visit_rows),
        ("appeals", appeal_rows(demo, rng, visit_rows)),
    ):
        outcome = ledger_write(ledger=registry[name], actor=None, rows=[(None, r) for r in rows])
        if not outcome.ok:
            raise RuntimeError(
                f"演示数据有误（{name}）：" + "；".join(p.line() for p in outcome.problems[:5])
            )
        outcomes[name] = outcome
    # One appeal was fed back 不满意 and went back to 办理中 (once).
    last = Appeal.objects.filter(code=f"SQ-{APPEALS:03d}", reopened=0).first()
    if last is not None:
        appeal_reopen(actor=None, appeal=last)
    return outcomes
