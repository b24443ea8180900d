"""The dispatch ledgers (LEDGERS.md §1): meetings, tasks, prompts, notices."""

import datetime as dt
import re

from django.utils import timezone

from taizhang.core.audit import action_register
from taizhang.core.ledger import ALL_READERS, Column, Ledger, register
from taizhang.orgs.models import OrgKind

from .models import (
    Meeting,
    MeetingKind,
    Notice,
    NoticeStatus,
    Prompt,
    PromptForm,
    PromptTier,
    Task,
    TaskStatus,
)

OFFICE = frozenset({"admin", "office"})
DOC_NUMBER = re.compile(r"〔(\d{4})〕(\d+)号")

action_register("dispatch.task.done", "任务完成")
action_register("dispatch.task.progress", "报送进展")
action_register("dispatch.notice.answered", "整改反馈")
action_register("dispatch.notice.closed", "整改办结")
action_register("dispatch.notice.returned", "退回整改")
action_register("dispatch.prompt.signed", "签收提示")
action_register("dispatch.prompt.reminded", "催签提示")
action_register("dispatch.series.saved", "保存会议系列")
action_register("dispatch.series.occurrence", "会议改期或取消")
action_register("dispatch.calendar.feed", "日历订阅地址")


@register
class MeetingLedger(Ledger):
    name = "meetings"
    title = "会议"
    area = "调度"
    model = Meeting
    scope_via = "org"
    date_field = "held_at"
    columns = [
        Column("会议编号", "code", "code", required=True),
        Column("会议类型", "kind", "choice", required=True, choices=MeetingKind.values),
        Column("会议时间", "held_at", "datetime", required=True),
        Column("组织编码", "org", "ref", required=True, ref="orgs"),
        Column("会议主题", "topic", "text"),
        Column("出席人员编号", "attendees", "refs", ref="people"),
        Column("会议纪要", "minutes", "longtext"),
        Column(
            "纪要附件", "minutes_file", "file", accept=(".pdf", ".doc", ".docx", ".jpg", ".png")
        ),
        Column("会议系列编号", "series", "code", help="由会议系列生成的会议自动填写"),
        Column("原定时间", "occurrence", "datetime", help="会议系列中本次会议原定的时间"),
    ]
    search_fields = ("code", "topic")
    list_fields = ("code", "kind", "held_at", "org", "topic")
    default_order = "-held_at"

    def example_row(self, ex):
        return {
            "code": f"HY-X{ex.n}",
            "kind": "调度会",
            "held_at": "2023-10-09 14:30",
            "org": ex.org,
            "topic": f"示例会议{ex.n}",
        }

    def check_row(self, row, ctx):
        if bool(row.get("series")) != bool(row.get("occurrence")):
            return [("occurrence", "会议系列编号与原定时间须同时填写或同时不填")]
        return []

    def check_batch(self, rows, ctx):
        """One meeting per occurrence of a series (the series' day)."""
        wanted = {}
        for index, (_, row) in enumerate(rows):
            if row.get("series") and row.get("occurrence"):
                day = timezone.localtime(row["occurrence"]).date()
                wanted.setdefault((row["series"], day), []).append(index)
        if not wanted:
            return []
        problems = []
        taken = Meeting.objects.filter(series__in={s for s, _ in wanted}).values_list(
            "series", "occurrence", "code"
        )
        held = {(s, timezone.localtime(o).date()): code for s, o, code in taken if o}
        for (series, day), indexes in wanted.items():
            for index in indexes[1:]:
                problems.append((index, "occurrence", f"会议系列“{series}”{day}的会议重复"))
            code = rows[indexes[0]][1]["code"]
            if held.get((series, day), code) != code:
                problems.append(
                    (
                        indexes[0],
                        "occurrence",
                        f"会议系列“{series}”{day}的会议已登记为“{held[(series, day)]}”",
                    )
                )
        return problems


def _task_scope(ledger, row, ctx):
    """A task belongs to its 责任组织 when it has one, else to its work group's place."""
    stored = ctx.existing.get(row.get("code"))
    for field_name in ("org", "work_group"):
        if row.get(field_name):
            return ctx.ref_path(ledger.column(field_name), row[field_name])
    return stored.scope_path if stored is not None else (ctx.root_path or None)


@register
class TaskLedger(Ledger):
    name = "tasks"
    title = "任务"
    area = "调度"
    model = Task
    date_field = "due_on"
    columns = [
        Column("任务编号", "code", "code", required=True),
        Column("任务名称", "name", "text", required=True),
        Column("责任工作组编码", "work_group", "ref", ref="work_groups"),
        Column("责任组织编码", "org", "ref", ref="orgs"),
        Column("责任人人员编号", "owner", "ref", ref="people"),
        Column("开始日期", "start_on", "date"),
        Column("截止日期", "due_on", "date", required=True),
        Column("任务状态", "status", "choice", choices=TaskStatus.values, default="未开始"),
        Column("完成进度", "progress", "percent", default=0),
        Column("来源会议编号", "source_meeting", "ref", ref="meetings"),
        Column("任务要求", "detail", "longtext"),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "name", "work_group", "org", "due_on", "status", "progress")
    default_order = "due_on"

    def related_links(self, obj):
        from django.urls import reverse

        return [("报送进展（手机可用）", reverse("dispatch-task-report", args=[obj.code]))]

    def example_row(self, ex):
        return {
            "code": f"RW-X{ex.n}",
            "name": f"示例任务{ex.n}",
            "org": ex.org,
            "due_on": "2023-11-30",
        }

    def scope_path_of(self, row, ctx):
        return _task_scope(self, row, ctx)

    def scope_column(self):
        return self.column("org")

    def check_row(self, row, ctx):
        problems = []
        if not row.get("work_group") and not row.get("org"):
            problems.append(("work_group", "责任工作组编码与责任组织编码至少填写一项"))
        start, due = row.get("start_on"), row.get("due_on")
        if start and due and due < start:
            problems.append(("due_on", f"截止日期 {due} 早于开始日期 {start}"))
        progress = row.get("progress") or 0
        if row.get("status") == TaskStatus.DONE and progress < 100:
            problems.append(("status", f"完成进度为 {progress}%，未到 100% 不能标为已完成"))
        return problems

    def audit_action(self, before, after):
        if (
            after.get("status") == TaskStatus.DONE
            and (before or {}).get("status") != TaskStatus.DONE
        ):
            return "dispatch.task.done"
        return None


@register
class PromptLedger(Ledger):
    """Issued by the office to the whole district: a district-wide list, written at the
    root. Recipients (and their receipts) follow from the tier."""

    name = "prompts"
    title = "工作提示"
    area = "调度"
    model = Prompt
    scope_path = None
    write_roles = OFFICE
    read_roles = ALL_READERS
    date_field = "issued_on"
    columns = [
        Column("提示编号", "code", "code", required=True),
        Column("标题", "title", "text", required=True),
        Column("提示层面", "tier", "choice", required=True, choices=PromptTier.values),
        Column("提示形式", "form", "choice", required=True, choices=PromptForm.values),
        Column("发出日期", "issued_on", "date", required=True),
        Column("内容", "body", "longtext"),
        Column(
            "对象组织类别",
            "target_kinds",
            "choices",
            choices=OrgKind.values,
            help="基层党组织层面：接收提示的组织类别，不填为党支部",
        ),
        Column("对象所属领域", "target_categories", "refs", ref="categories"),
    ]
    search_fields = ("code", "title", "doc_number")
    list_fields = ("code", "title", "tier", "form", "issued_on")
    default_order = "-issued_on"

    def example_row(self, ex):
        return {
            "code": f"TS-X{ex.n}",
            "title": f"示例提示{ex.n}",
            "tier": "县处级领导干部",
            "form": "书面",
            "issued_on": "2023-10-10",
            "body": "请按要求做好相关工作。",
        }

    def check_row(self, row, ctx):
        problems = []
        if row.get("form") == PromptForm.SMS and not (row.get("body") or "").strip():
            problems.append(("body", "短信提示必须填写内容（短信正文）"))
        return problems

    def prepare(self, obj, row, ctx):
        """A new written prompt takes the next 文号 of its year (〔2023〕7号); the number
        is the system's, not a column, and an edit keeps it."""
        if obj.doc_number or obj.form != PromptForm.WRITTEN:
            return
        year = obj.issued_on.year
        counters = ctx.cache.setdefault("doc_numbers", {})
        if year not in counters:
            counters[year] = doc_number_last(year)
        counters[year] += 1
        obj.doc_number = f"〔{year}〕{counters[year]}号"

    def after_write(self, changes, ctx):
        from .services import receipts_settle

        receipts_settle([change.obj for change in changes])


def doc_number_last(year: int) -> int:
    numbers = Prompt.objects.filter(doc_number__startswith=f"〔{year}〕").values_list(
        "doc_number", flat=True
    )
    return max((int(m.group(2)) for n in numbers if (m := DOC_NUMBER.fullmatch(n))), default=0)


@register
class NoticeLedger(Ledger):
    """整改单: issued by the office (or a committee to the organizations below it); the
    receiving organization answers on the page; only the issuing side closes it."""

    name = "notices"
    title = "整改单"
    area = "调度"
    model = Notice
    scope_via = "org"
    date_field = "issued_on"
    columns = [
        Column("整改单编号", "code", "code", required=True),
        Column("组织编码", "org", "ref", required=True, ref="orgs"),
        Column("发出日期", "issued_on", "date", required=True),
        Column("事项", "matter", "text", required=True),
        Column("整改要求", "requirement", "longtext"),
        Column("整改时限", "deadline", "date"),
        Column("反馈情况", "feedback", "longtext"),
        Column("状态", "status", "choice", choices=NoticeStatus.values, default="已发出"),
        Column("来源", "source", "text", help="触发整改的统计数字或说明"),
    ]
    search_fields = ("code", "matter")
    list_fields = ("code", "org", "issued_on", "matter", "deadline", "status")
    default_order = "-issued_on"

    def example_row(self, ex):
        return {
            "code": f"ZG-X{ex.n}",
            "org": ex.org,
            "issued_on": "2023-10-20",
            "matter": f"示例整改事项{ex.n}",
        }

    def check_row(self, row, ctx):
        problems = []
        deadline, issued = row.get("deadline"), row.get("issued_on")
        if deadline and issued and deadline < issued:
            problems.append(("deadline", f"整改时限 {deadline} 早于发出日期 {issued}"))
        stored = ctx.existing.get(row.get("code"))
        before = stored.values.get("status") if stored is not None else None
        path = ctx.places.get(row.get("code")) or ""
        if (
            not ctx.system
            and row.get("status") == NoticeStatus.CLOSED
            and before != NoticeStatus.CLOSED
            and not notice_closable(ctx.scope, path)
        ):
            problems.append(("status", "整改单只能由发出单位办结"))
        return problems

    def audit_action(self, before, after):
        if (
            after.get("status") == NoticeStatus.CLOSED
            and (before or {}).get("status") != NoticeStatus.CLOSED
        ):
            return "dispatch.notice.closed"
        return None


def notice_closable(scope, path: str) -> bool:
    """The issuing side closes a notice: the office, or an org admin above the
    organization it was sent to (never the receiving organization itself)."""
    if scope.everything or scope.covers(path, OFFICE):
        return True
    return any(role == "org_admin" and path.startswith(p) and path != p for p, role in scope.grants)


def today() -> dt.date:
    return timezone.localdate()
