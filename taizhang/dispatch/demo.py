"""The dispatch part of the demo district: the two meeting series and their meetings,
about 60 tasks, exactly 12 written and 37 SMS prompts with most receipts signed, and a
handful of notices in each state. Deterministic for a seed; a second run changes nothing."""

import datetime as dt
import hashlib

from taizhang.core.audit import audit_record
from taizhang.core.cells import SHANGHAI
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.shell.demo import DemoContext, demo_step

from . import recurrence
from .models import MeetingSeries, Receipt
from .services import series_save

WORK_GROUPS = ["WG-01", "WG-02", "WG-03", "WG-04", "WG-05", "WG-06"]
TASK_NAMES = [
    "制定主题教育实施方案",
    "召开动员部署会议",
    "编印学习资料汇编",
    "组织读书班集中学习",
    "开展理论学习中心组专题学习",
    "确定调研选题并报备",
    "开展“四下基层”走访",
    "收集梳理意见诉求",
    "建立检视问题清单",
    "制定整改措施台账",
    "开展专项整治",
    "推进民生实事项目",
    "报送工作简报",
    "编发工作提示",
    "开展督导指导",
    "组织交流研讨",
    "召开专题民主生活会",
    "开展党员集中学习",
    "建立健全长效机制",
    "总结评估主题教育成效",
]
WRITTEN = [
    ("县处级领导干部", "关于做好主题教育读书班学习的工作提示"),
    ("基层党组织", "关于扎实开展支部集中学习的工作提示"),
    ("县处级领导干部", "关于深入开展调查研究的工作提示"),
    ("基层党组织", "关于做好“送学上门”工作的工作提示"),
    ("县处级领导干部", "关于落实“四下基层”制度的工作提示"),
    ("基层党组织", "关于规范填报主题教育台账的工作提示"),
    ("县处级领导干部", "关于撰写学习体会文章的工作提示"),
    ("基层党组织", "关于开展检视整改工作的工作提示"),
    ("县处级领导干部", "关于开好专题民主生活会的工作提示"),
    ("基层党组织", "关于开好专题组织生活会的工作提示"),
    ("基层党组织", "关于做好流动党员学习教育的工作提示"),
    ("县处级领导干部", "关于做好主题教育总结评估的工作提示"),
]
SMS_TOPICS = [
    "请按时参加本周理论学习",
    "请及时报送调研选题",
    "请于本周五前报送学习台账",
    "请落实“第一议题”制度",
    "请做好走访记录填报",
    "请及时反馈意见诉求办理情况",
    "请核对检视问题清单",
    "请按期推进整改措施",
    "请报送工作信息",
    "请组织青年理论学习小组学习",
    "请关心年老体弱党员学习",
    "请做好专题党课准备",
]


def _signed(code: str, who: int, share: float = 0.85) -> bool:
    """A stable choice per receipt, so a second run signs nothing more."""
    digest = hashlib.sha256(f"{code}:{who}".encode()).digest()
    return digest[0] / 256 < share


def _series(demo) -> list[tuple[MeetingSeries, list]]:
    leaders = demo.leaders
    made = []
    for code, title, kind, frequency, weekday, time, start, until, attendees in (
        (
            "HY-LDXZ",
            "主题教育领导小组会议",
            "领导小组会议",
            "每月",
            "",
            "15:00",
            dt.date(2023, 9, 20),
            dt.date(2023, 12, 1),
            leaders[: min(12, len(leaders))],
        ),
        (
            "HY-BGS",
            "主题教育办公室例会",
            "办公室例会",
            "每周",
            "星期一",
            "14:30",
            dt.date(2023, 9, 18),
            dt.date(2023, 11, 27),
            leaders[-6:],
        ),
    ):
        rule = recurrence.rule_from_form(
            frequency=frequency, weekday=weekday, time=time, start=start, until=until
        )
        series = MeetingSeries.objects.filter(code=code).first()
        if series is None or series.rrule != rule.rrule:
            series = series_save(
                actor=None,
                code=code,
                title=title,
                kind=kind,
                org_code="QSH",
                rule=rule,
                attendees=attendees,
            )
        made.append((series, attendees))
    return made


def meeting_rows(demo) -> list[dict]:
    rows = []
    for series, attendees in _series(demo):
        for n, when in enumerate(recurrence.occurrences(series), 1):
            rows.append(
                {
                    "code": recurrence.meeting_code(series, when),
                    "kind": series.kind,
                    "held_at": when,
                    "org": "QSH",
                    "topic": f"{series.title}（第{n}次）",
                    "attendees": sorted(attendees),
                    "minutes": f"会议听取了近期主题教育工作进展情况汇报，研究部署下一阶段重点任务。"
                    f"会议要求各工作组对照任务清单，逐项抓好落实。（第{n}次）",
                    "series": series.code,
                    "occurrence": when,
                }
            )
    return rows


def task_rows(demo, meetings: list[dict]) -> list[dict]:
    rng = demo.rng
    office = [m for m in meetings if m["series"] == "HY-BGS"]
    campaign_start, campaign_end = dt.date(2023, 9, 18), dt.date(2023, 12, 1)
    rows = []
    for n in range(1, 61):
        start = campaign_start + dt.timedelta(days=rng.randrange(0, 50))
        due = min(campaign_end, start + dt.timedelta(days=rng.randrange(7, 40)))
        roll = rng.random()
        progress = 100 if roll < 0.45 else rng.choice((0, 20, 40, 60, 80)) if roll < 0.9 else 0
        status = "已完成" if progress == 100 else "进行中" if progress else "未开始"
        row = {
            "code": f"RW-{n:03d}",
            "name": TASK_NAMES[(n - 1) % len(TASK_NAMES)]
            + ("" if n <= len(TASK_NAMES) else f"（第{(n - 1) // len(TASK_NAMES) + 1}批）"),
            "work_group": WORK_GROUPS[n % len(WORK_GROUPS)],
            "org": demo.committees[n % len(demo.committees)] if n % 4 == 0 else "",
            "start_on": start,
            "due_on": due,
            "status": status,
            "progress": progress,
            "source_meeting": office[n % len(office)]["code"] if n % 3 == 0 and office else "",
        }
        rows.append(row)
    return rows


def prompt_rows() -> list[dict]:
    rows = []
    for n, (tier, title) in enumerate(WRITTEN, 1):
        issued = dt.date(2023, 9, 15) + dt.timedelta(days=6 * n)
        rows.append(
            {
                "code": f"TS-SM-{n:02d}",
                "title": title,
                "tier": tier,
                "form": "书面",
                "issued_on": issued,
                "body": f"各{'县处级领导干部' if tier == '县处级领导干部' else '基层党组织'}：\n"
                f"为推动主题教育走深走实，现就{title.removeprefix('关于').removesuffix('的工作提示')}"
                "提示如下：一要提高思想认识；二要压实工作责任；三要注重工作实效。请认真抓好落实。",
            }
        )
    for n in range(1, 38):
        tier = "县处级领导干部" if n % 3 == 0 else "基层党组织"
        topic = SMS_TOPICS[(n - 1) % len(SMS_TOPICS)]
        issued = dt.date(2023, 9, 18) + dt.timedelta(days=2 * n)
        rows.append(
            {
                "code": f"TS-DX-{n:02d}",
                "title": f"温馨提示：{topic}",
                "tier": tier,
                "form": "短信",
                "issued_on": issued,
                "body": f"【青山湖区主题教育办】温馨提示：{topic}。感谢您的支持！",
            }
        )
    return rows


def notice_rows(demo) -> list[dict]:
    rows, branches = [], demo.branches
    states = ["已发出"] * 4 + ["已反馈"] * 4 + ["已办结"] * 4
    for n, status in enumerate(states, 1):
        issued = dt.date(2023, 10, 8) + dt.timedelta(days=3 * n)
        rows.append(
            {
                "code": f"ZG-{n:03d}",
                "org": branches[(n * 7) % len(branches)],
                "issued_on": issued,
                "matter": [
                    "学习台账填报不及时",
                    "支部集中学习未按计划开展",
                    "检视问题清单不完整",
                    "整改措施推进缓慢",
                ][n % 4],
                "requirement": "请对照要求立即整改，并于整改时限前书面反馈整改情况。",
                "deadline": issued + dt.timedelta(days=10),
                "feedback": "" if status == "已发出" else "已召开支委会专题研究，完成整改。",
                "status": status,
                "source": "周调度会议督办",
            }
        )
    return rows


@demo_step(order=20)
def dispatch(demo: DemoContext) -> dict:
    meetings = meeting_rows(demo)
    outcomes = {}
    for name, rows in (
        ("meetings", meetings),
        ("tasks", task_rows(demo, meetings)),
        ("prompts", prompt_rows()),
        ("notices", notice_rows(demo)),
    ):
        outcome = ledger_write(ledger=registry[name], actor=None, rows=[(None, r) for r in rows])
        if not outcome.ok:
            raise RuntimeError(
                f"演示数据有误（{name}）：" + "；".join(p.line() for p in outcome.problems[:5])
            )
        outcomes[name] = outcome
    receipts_sign_demo()
    return outcomes


def receipts_sign_demo() -> int:
    """Sign most demo receipts, in bulk, once; audited per prompt."""
    signed = 0
    unsigned = Receipt.objects.filter(
        signed_at=None, prompt__code__startswith="TS-"
    ).select_related("prompt")
    chosen = [r for r in unsigned if _signed(r.prompt.code, r.person_id or -r.org_id)]
    by_prompt: dict[str, int] = {}
    for receipt in chosen:
        prompt = receipt.prompt
        day = prompt.issued_on + dt.timedelta(days=1 + receipt.pk % 3)
        receipt.signed_at = dt.datetime.combine(day, dt.time(9 + receipt.pk % 8), tzinfo=SHANGHAI)
        by_prompt[prompt.code] = by_prompt.get(prompt.code, 0) + 1
    Receipt.objects.bulk_update(chosen, ["signed_at"], batch_size=2000)
    for code, count in sorted(by_prompt.items()):
        audit_record(
            actor=None,
            action="dispatch.prompt.signed",
            ledger="prompts",
            key=code,
            after={"签收对象数": count, "事项": "演示数据"},
        )
        signed += count
    return signed
