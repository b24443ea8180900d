"""Reads of the dispatch pages, always through the engine's read door."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.cells import SHANGHAI
from taizhang.core.ledger import registry
from taizhang.core.models import AuditEntry
from taizhang.core.scope import scope_for
from taizhang.core.tree import path_ids
from taizhang.orgs.models import Organization

from .models import InboxMessage, NoticeStatus, Receipt, Task, TaskStatus

AMBER_DAYS = 3
DAILY_KEYS_PER_LEDGER = 5000  # keys per query (every changed key is counted)


def task_colour(task, today: dt.date) -> str:
    """red: overdue; amber: due within 3 days or behind the straight line from start to
    due; green otherwise (and whenever done)."""
    if task.status == TaskStatus.DONE:
        return "green"
    if task.due_on < today:
        return "red"
    if (task.due_on - today).days <= AMBER_DAYS:
        return "amber"
    if task.start_on and task.start_on < today:
        span = max((task.due_on - task.start_on).days, 1)
        expected = 100 * (today - task.start_on).days / span
        if task.progress < expected:
            return "amber"
    return "green"


COLOURS = {"red": "逾期", "amber": "临期或滞后", "green": "正常"}


def tasks_readable(user):
    ledger = registry["tasks"]
    if not may_read(ledger, user):
        return Task.objects.none()
    return rows_for_read(ledger, user).select_related("work_group", "org", "owner")


@dataclass
class Lane:
    label: str
    link: str = ""
    bars: list = field(default_factory=list)


def battle_map(user, *, group="", status="", owner="", colour="", today=None) -> dict:
    """Rows = work groups (then organizations with tasks of their own), columns = weeks
    of the campaign; each task a bar from its start week to its due week."""
    today = today or timezone.localdate()
    tasks = tasks_readable(user).order_by("due_on", "code")
    if group:
        tasks = tasks.filter(work_group__code=group)
    if status:
        tasks = tasks.filter(status=status)
    if owner:
        tasks = tasks.filter(owner__code=owner)
    tasks = list(tasks)
    for task in tasks:
        task.colour = task_colour(task, today)
    if colour:
        tasks = [t for t in tasks if t.colour == colour]
    if not tasks:
        return {"weeks": [], "lanes": [], "today": today, "count": 0}
    first = min(t.start_on or t.due_on for t in tasks)
    last = max(
        max(t.due_on for t in tasks), today if today < first + dt.timedelta(days=400) else first
    )
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last and len(weeks) < 60:
        weeks.append({"start": monday, "today": monday <= today < monday + dt.timedelta(days=7)})
        monday += dt.timedelta(days=7)

    def week_of(day):
        return min(max((day - weeks[0]["start"]).days // 7, 0), len(weeks) - 1) + 1

    lanes: dict[str, Lane] = {}
    for task in tasks:
        if task.work_group_id:
            key, label = f"g{task.work_group.code}", task.work_group.name
        elif task.org_id:
            key, label = f"o{task.org.code}", task.org.name
        else:
            key, label = "z", "未指定"
        lane = lanes.setdefault(key, Lane(label))
        start = week_of(task.start_on or task.due_on)
        end = week_of(task.due_on)
        task.col_start, task.col_end = start + 1, end + 2  # grid lines; column 1 is the label
        task.progress_step = min(100, 10 * round(task.progress / 10))
        lane.bars.append(task)
    ordered = sorted(lanes.items(), key=lambda item: item[0])
    return {
        "weeks": weeks,
        "lanes": [lane for _, lane in ordered],
        "today": today,
        "count": len(tasks),
        "today_col": next((i + 2 for i, w in enumerate(weeks) if w["today"]), None),
    }


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def weekly(user, day: dt.date) -> dict:
    """周调度: tasks due this week, overdue tasks by work group, prompts not yet signed
    for, notices unanswered."""
    monday, sunday = week_bounds(day)
    tasks = tasks_readable(user).exclude(status=TaskStatus.DONE)
    due = list(tasks.filter(due_on__gte=monday, due_on__lte=sunday).order_by("due_on", "code"))
    overdue = defaultdict(list)
    for task in tasks.filter(due_on__lt=day).order_by("due_on", "code"):
        label = (
            task.work_group.name
            if task.work_group_id
            else (task.org.name if task.org_id else "未指定")
        )
        overdue[label].append(task)
    prompts = []
    if may_read(registry["prompts"], user):
        prompts = list(
            rows_for_read(registry["prompts"], user)
            .filter(issued_on__lte=sunday)
            .annotate(
                unsigned=Count("receipts", filter=Q(receipts__signed_at=None)),
                recipients=Count("receipts"),
            )
            .filter(unsigned__gt=0)
            .order_by("-issued_on", "code")
        )
    notices = []
    if may_read(registry["notices"], user):
        notices = list(
            rows_for_read(registry["notices"], user)
            .filter(status=NoticeStatus.SENT, issued_on__lte=sunday)
            .select_related("org")
            .order_by("deadline", "code")
        )
    return {
        "monday": monday,
        "sunday": sunday,
        "day": day,
        "due": due,
        "overdue": sorted(overdue.items()),
        "overdue_count": sum(len(v) for v in overdue.values()),
        "prompts": prompts,
        "notices": notices,
    }


def daily(user, day: dt.date) -> dict:
    """每日动态: what changed on `day` in the user's scope, grouped by ledger and
    organization, from the audit trail. Only that day's entries are read (a range of the
    index on the audit's time), then each ledger's keys are kept where the read door
    lets the user see the row: the work grows with the day's changes, not the audit."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
    entries = (
        AuditEntry.objects.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
        .order_by()
        .values_list("ledger", "object_key", "action")
    )
    touched: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for ledger_name, key, action in entries.iterator(chunk_size=5000):
        if ledger_name in registry:
            touched[ledger_name][key].add(action)
    groups, paths = [], set()
    for name, keys in touched.items():
        ledger = registry[name]
        if not may_read(ledger, user):
            continue
        readable = rows_for_read(ledger, user) | rows_for_read(ledger, user, archived=True)
        path_attr = ledger.scope_path or "pk"
        wanted, found = list(keys), []
        for at in range(0, len(wanted), DAILY_KEYS_PER_LEDGER):  # every key counts
            chunk = wanted[at : at + DAILY_KEYS_PER_LEDGER]
            rows = readable.filter(**{f"{ledger.key.attr}__in": chunk})
            found += rows.order_by().values_list(ledger.key.attr, path_attr)
        by_org = defaultdict(list)
        for key, path in found:
            org_id = path_ids(path)[-1] if ledger.scope_path and path else None
            by_org[org_id].append((key, sorted(keys[key])))
            paths.add(org_id)
        if found:
            groups.append((ledger, by_org, len(found)))
    names = dict(Organization.objects.filter(pk__in=paths - {None}).values_list("pk", "name"))
    result = []
    for ledger, by_org, count in sorted(groups, key=lambda g: g[0].title):
        orgs = sorted(
            ((names.get(org_id, "全区"), sorted(items)) for org_id, items in by_org.items()),
            key=lambda o: o[0],
        )
        result.append({"ledger": ledger, "count": count, "orgs": orgs})
    return {"day": day, "groups": result, "total": sum(g["count"] for g in result)}


def receipts_for(user):
    """The receipts `user` may sign: their own as a leader, their organizations' as an
    org admin of exactly that organization."""
    scope = scope_for(user)
    paths = [path for path, role in scope.grants if role == "org_admin"]
    q = Q(pk__in=[])
    if getattr(user, "person_id", None):
        q |= Q(person_id=user.person_id)
    if paths:
        q |= Q(org__path__in=paths)
    return Receipt.objects.filter(q)


def inbox(user, limit: int = 100):
    return list(
        InboxMessage.objects.filter(receipt__in=receipts_for(user))
        .select_related("receipt__prompt", "receipt__org")
        .order_by("-created_at", "-id")[:limit]
    )


def prompt_receipts(user, prompt) -> dict:
    """The receipts of a prompt the user reads (the office sees them all)."""
    if not may_read(registry["prompts"], user):
        raise PermissionDenied("您没有查看此台账的权限")
    receipts = prompt.receipts.select_related("person", "org", "signed_by")
    unsigned = [r for r in receipts if r.signed_at is None]
    return {
        "signed": sum(1 for r in receipts if r.signed_at),
        "unsigned": unsigned,
        "total": len(receipts),
    }


def reads_dispatch(user) -> bool:
    """The 调度 pages (battle map, 周调度, 每日动态) are for whoever reads tasks."""
    return may_read(registry["tasks"], user)
