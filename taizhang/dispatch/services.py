"""Writes of the dispatch app that are more than a ledger row: receipts and reminders,
progress reports, notice answers, meeting series and calendar feeds. Each is atomic and
audited; ledger rows are written through the engine's one write service."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from taizhang.core.access import fetch_for_read, fetch_for_write, path_writable, row_writable
from taizhang.core.audit import audit_record
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import Outcome, ledger_write
from taizhang.core.models import AuditEntry
from taizhang.core.scope import Scope, scope_for
from taizhang.orgs.models import Organization, Person

from . import recurrence
from .ledgers import notice_closable
from .models import (
    CalendarFeed,
    InboxMessage,
    MeetingSeries,
    Notice,
    NoticeStatus,
    OccurrenceChange,
    Prompt,
    PromptForm,
    PromptTier,
    Receipt,
    Task,
    TaskReport,
    TaskStatus,
)
from .recurrence import RuleRefused

BATCH = 2000


Refused = RuleRefused  # a write refused with a Chinese message naming the field


# -- prompts: recipients, receipts, reminders ------------------------------------------


def prompt_recipients(prompt: Prompt) -> tuple[set[int], set[int]]:
    """(person ids, organization ids) the prompt goes to, from its tier."""
    if prompt.tier == PromptTier.LEADERS:
        people = Person.objects.filter(is_leader=True, archived_at=None)
        return set(people.values_list("pk", flat=True)), set()
    kinds = prompt.target_kinds.split("、") if prompt.target_kinds else ["党支部"]
    orgs = Organization.objects.filter(kind__in=kinds, archived_at=None)
    categories = list(prompt.target_categories.values_list("pk", flat=True))
    if categories:
        orgs = orgs.filter(category_id__in=categories)
    return set(), set(orgs.values_list("pk", flat=True))


def receipts_settle(prompts) -> None:
    """Each prompt's receipts match its recipients: new recipients get a receipt (and the
    prompt in their inbox); unsigned receipts of those no longer addressed go; signed
    ones are kept whatever happens."""
    now = timezone.now()
    for prompt in prompts:
        people, orgs = prompt_recipients(prompt)
        existing = Receipt.objects.filter(prompt=prompt)
        have_people = set(existing.exclude(person=None).values_list("person_id", flat=True))
        have_orgs = set(existing.exclude(org=None).values_list("org_id", flat=True))
        stale = (
            existing.filter(signed_at=None).exclude(person_id__in=people).exclude(org_id__in=orgs)
        )
        stale.delete()
        fresh = [Receipt(prompt=prompt, person_id=pk) for pk in sorted(people - have_people)]
        fresh += [Receipt(prompt=prompt, org_id=pk) for pk in sorted(orgs - have_orgs)]
        created = Receipt.objects.bulk_create(fresh, batch_size=BATCH)
        text = _prompt_message(prompt)
        InboxMessage.objects.bulk_create(
            [InboxMessage(receipt=r, kind="工作提示", text=text, created_at=now) for r in created],
            batch_size=BATCH,
        )


def _prompt_message(prompt: Prompt) -> str:
    if prompt.form == PromptForm.SMS:
        return prompt.body
    number = f"（{prompt.doc_number}）" if prompt.doc_number else ""
    return f"收到书面工作提示《{prompt.title}》{number}，请阅知并签收。"


def receipt_signable(receipt: Receipt, user) -> bool:
    """A leader signs their own receipt; an organization's receipt is signed by one who
    holds the org admin role over that organization itself."""
    if receipt.person_id is not None:
        return receipt.person_id == getattr(user, "person_id", None)
    scope = scope_for(user)
    return any(role == "org_admin" and path == receipt.org.path for path, role in scope.grants)


@transaction.atomic
def receipt_sign(*, actor, receipt: Receipt) -> Receipt:
    """签收; PermissionDenied (403) for one who is not a recipient."""
    receipt = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("prompt", "org")
        .get(pk=receipt.pk)
    )
    if not receipt_signable(receipt, actor):
        raise PermissionDenied("您不是这份工作提示的接收对象，不能签收")
    if receipt.signed_at is None:
        receipt.signed_at = timezone.now()
        receipt.signed_by = actor
        receipt.save(update_fields=["signed_at", "signed_by"])
        audit_record(
            actor=actor,
            action="dispatch.prompt.signed",
            ledger="prompts",
            key=receipt.prompt.code,
            after={"签收对象": str(receipt.recipient), "签收时间": receipt.signed_at.isoformat()},
        )
    return receipt


@transaction.atomic
def prompt_remind(*, actor, prompt: Prompt) -> int:
    """催签: each unsigned recipient gets a reminder in the inbox; how many."""
    fetch_for_write(registry["prompts"], actor, prompt.code)
    now = timezone.now()
    unsigned = list(Receipt.objects.filter(prompt=prompt, signed_at=None))
    text = f"请尽快签收工作提示《{prompt.title}》。"
    InboxMessage.objects.bulk_create(
        [InboxMessage(receipt=r, kind="催签", text=text, created_at=now) for r in unsigned],
        batch_size=BATCH,
    )
    Receipt.objects.filter(pk__in=[r.pk for r in unsigned]).update(reminded_at=now)
    audit_record(
        actor=actor,
        action="dispatch.prompt.reminded",
        ledger="prompts",
        key=prompt.code,
        after={"催签对象数": len(unsigned)},
    )
    return len(unsigned)


# -- tasks: progress reports ------------------------------------------------------------


def task_reportable(task: Task, user) -> bool:
    """A writer of the task's organization, or a member (or the leader) of its work group."""
    if row_writable(registry["tasks"], user, task):
        return True
    person = getattr(user, "person_id", None)
    if person is None or task.work_group_id is None:
        return False
    group = task.work_group
    return group.leader_id == person or group.members.filter(pk=person).exists()


@transaction.atomic
def task_progress_post(
    *, actor, task: Task, reported_on: dt.date, text: str, percent: int, evidence: str = ""
) -> TaskReport:
    """进展情况: the task's percent and status follow the latest report (已完成 at 100)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not task_reportable(task, actor):
        raise PermissionDenied("您不是这项任务的责任单位或工作组成员，不能报送进展")
    if not text.strip():
        raise Refused("text", "进展情况必须填写")
    if not 0 <= percent <= 100:
        raise Refused("percent", "完成进度应为 0–100 的整数")
    if reported_on > timezone.localdate():
        raise Refused("reported_on", "日期不能晚于今天")
    report = TaskReport.objects.create(
        task=task,
        reported_on=reported_on,
        text=text.strip(),
        percent=percent,
        evidence=evidence,
        author=actor,
    )
    latest = task.reports.order_by("-reported_on", "-id").first()
    before = {"status": task.status, "progress": task.progress}
    task.progress = latest.percent
    task.status = (
        TaskStatus.DONE
        if latest.percent >= 100
        else TaskStatus.IN_PROGRESS
        if latest.percent > 0 or task.status != TaskStatus.NOT_STARTED
        else TaskStatus.NOT_STARTED
    )
    task.save(update_fields=["progress", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="dispatch.task.done"
        if task.status == TaskStatus.DONE and before["status"] != TaskStatus.DONE
        else "dispatch.task.progress",
        ledger="tasks",
        key=task.code,
        before=before,
        after={
            "status": task.status,
            "progress": task.progress,
            "进展情况": report.text,
            "日期": reported_on.isoformat(),
        },
    )
    return report


def tasks_from_decisions(
    *,
    actor,
    meeting_code: str,
    decisions: list[str],
    work_group="",
    org="",
    owner="",
    due_on="",
    start_on="",
) -> Outcome:
    """Decisions taken at a meeting become tasks in one write, each with 来源会议编号."""
    meeting = fetch_for_read(registry["meetings"], actor, meeting_code)
    taken = Task.objects.filter(code__startswith=f"{meeting.code}-T").count()
    rows = []
    for n, decision in enumerate((d.strip() for d in decisions if d.strip()), taken + 1):
        rows.append(
            (
                None,
                {
                    "code": f"{meeting.code}-T{n}",
                    "name": decision,
                    "work_group": work_group,
                    "org": org,
                    "owner": owner,
                    "due_on": due_on,
                    "start_on": start_on or timezone.localtime(meeting.held_at).date().isoformat(),
                    "source_meeting": meeting.code,
                },
            )
        )
    if not rows:
        raise Refused("decisions", "请至少填写一项会议决定事项")
    return ledger_write(ledger=registry["tasks"], actor=actor, rows=rows, mode="create")


# -- notices: answer, close, send back ---------------------------------------------------


def _notice_change(actor, notice, action, **changes):
    before = {k: getattr(notice, k) for k in changes}
    for k, v in changes.items():
        setattr(notice, k, v)
    notice.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor, action=action, ledger="notices", key=notice.code, before=before, after=changes
    )
    return notice


@transaction.atomic
def notice_answer(*, actor, code: str, feedback: str) -> Notice:
    """反馈 by an org admin of the receiving organization (404 outside their read scope,
    403 for a reader who may not answer)."""
    notice = fetch_for_read(registry["notices"], actor, code)
    if not scope_for(actor).covers(notice.scope_path, {"org_admin", "office", "admin"}):
        raise PermissionDenied("只有被整改组织的党组织管理员可以反馈")
    if notice.status == NoticeStatus.CLOSED:
        raise Refused("status", "整改单已办结，不能再反馈")
    if not feedback.strip():
        raise Refused("feedback", "反馈情况必须填写")
    return _notice_change(
        actor,
        notice,
        "dispatch.notice.answered",
        feedback=feedback.strip(),
        status=NoticeStatus.ANSWERED,
    )


@transaction.atomic
def notice_settle(*, actor, code: str, close: bool, note: str = "") -> Notice:
    """The office closes an answered notice (已办结) or sends it back (已发出)."""
    notice = fetch_for_write(registry["notices"], actor, code)
    if not notice_closable(_scope(actor), notice.scope_path):
        raise PermissionDenied("整改单只能由发出单位办结或退回")
    if notice.status != NoticeStatus.ANSWERED:
        raise Refused("status", "只有已反馈的整改单可以办结或退回")
    answered = (
        AuditEntry.objects.filter(
            ledger="notices", object_key=notice.code, action="dispatch.notice.answered"
        )
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    if actor is not None and answered == actor.pk:
        # Whoever wrote the answer does not judge it: another person of the issuing side.
        raise PermissionDenied("反馈人不能办结或退回自己填写的反馈，请由发出单位的其他人员审核")
    if close:
        return _notice_change(actor, notice, "dispatch.notice.closed", status=NoticeStatus.CLOSED)
    feedback = notice.feedback + (f"\n【退回意见】{note.strip()}" if note.strip() else "\n【退回】")
    return _notice_change(
        actor, notice, "dispatch.notice.returned", status=NoticeStatus.SENT, feedback=feedback
    )


# -- meeting series ----------------------------------------------------------------------


def _scope(actor):
    return Scope.all() if actor is None else scope_for(actor)


def series_writable(actor, org: Organization) -> bool:
    return path_writable(registry["meetings"], _scope(actor), org.path)


@transaction.atomic
def series_save(
    *,
    actor,
    code: str,
    title: str,
    kind: str,
    org_code: str,
    rule: "recurrence.Rule",
    attendees: list[str] = (),
) -> MeetingSeries:
    """Create or change a series; the rule must occur at least once and at most 500 times.
    Meetings already held keep their rows; editing never duplicates an occurrence."""
    org = Organization.objects.filter(code=org_code, archived_at=None).first()
    if org is None or not _scope(actor).covers(org.path, registry["meetings"].read_roles):
        raise Refused("org", f"组织编码“{org_code}”不存在")
    if not series_writable(actor, org):
        raise Refused("org", f"“{org_code}”不在您的管理范围内")
    if not title.strip():
        raise Refused("title", "系列名称必须填写")
    recurrence.check(rule)
    series = MeetingSeries.objects.filter(code=code).first()
    before = None
    if series is not None:
        if not series_writable(actor, series.org):
            raise PermissionDenied("您没有修改这个会议系列的权限")
        before = _series_values(series)
    else:
        series = MeetingSeries(code=code)
    series.title, series.kind, series.org = title.strip(), kind, org
    series.rrule, series.starts_at = rule.rrule, rule.starts_at
    series.save()
    people = Person.objects.filter(code__in=attendees, archived_at=None)
    series.attendees.set(people)
    audit_record(
        actor=actor,
        action="dispatch.series.saved",
        ledger="meetings",
        key=f"系列 {code}",
        before=before,
        after=_series_values(series),
    )
    return series


def _series_values(series):
    return {
        "系列名称": series.title,
        "会议类型": series.kind,
        "组织编码": series.org.code,
        "重复规则": series.rrule,
        "首次时间": series.starts_at.isoformat(),
    }


def occurrence_hold(*, actor, series: MeetingSeries, original_at: dt.datetime) -> Outcome:
    """The occurrence becomes a meeting row (idempotent: its code is the series' and the
    day's); a moved occurrence is held at its new time."""
    if original_at not in recurrence.occurrences(series):
        raise Refused("occurrence", "该时间不是这个会议系列的一次会议")
    change = series.changes.filter(original_at=original_at).first()
    if change is not None and change.kind == OccurrenceChange.Kind.CANCELLED:
        raise Refused("occurrence", "这次会议已取消")
    held_at = change.moved_to if change is not None else original_at
    row = {
        "code": recurrence.meeting_code(series, original_at),
        "kind": series.kind,
        "held_at": held_at,
        "org": series.org.code,
        "topic": series.title,
        "attendees": sorted(series.attendees.values_list("code", flat=True)),
        "series": series.code,
        "occurrence": original_at,
    }
    return ledger_write(ledger=registry["meetings"], actor=actor, rows=[(None, row)])


@transaction.atomic
def occurrence_change(
    *,
    actor,
    series: MeetingSeries,
    original_at: dt.datetime,
    moved_to: dt.datetime | None,
    reason: str = "",
) -> OccurrenceChange:
    """Move (moved_to) or cancel (None) one occurrence; recorded, and audited."""
    if not series_writable(actor, series.org):
        raise PermissionDenied("您没有修改这个会议系列的权限")
    if original_at not in recurrence.occurrences(series):
        raise Refused("occurrence", "该时间不是这个会议系列的一次会议")
    kind = OccurrenceChange.Kind.MOVED if moved_to else OccurrenceChange.Kind.CANCELLED
    change, _ = OccurrenceChange.objects.update_or_create(
        series=series,
        original_at=original_at,
        defaults={"kind": kind, "moved_to": moved_to, "reason": reason.strip()[:200]},
    )
    audit_record(
        actor=actor,
        action="dispatch.series.occurrence",
        ledger="meetings",
        key=f"系列 {series.code}",
        after={
            "原定时间": original_at.isoformat(),
            "变更": kind,
            "改至": moved_to.isoformat() if moved_to else "",
            "原因": change.reason,
        },
    )
    return change


# -- calendar feed -------------------------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, actor) -> str:
    """A new feed address for the user (the old one stops working); only its digest is
    kept, and nothing of it is audited."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=actor, defaults={"digest": feed_digest(token)})
    audit_record(
        actor=actor,
        action="dispatch.calendar.feed",
        ledger="meetings",
        key=f"日历 {actor.username}",
        after={"事项": "生成日历订阅地址"},
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor, user=None, reason: str = "") -> None:
    """Stop a user's feed address (their own, or `user`'s when their credentials are
    revoked: a password change or reset, a disabled account)."""
    user = user or actor
    own = actor is not None and user.pk == actor.pk
    if not CalendarFeed.objects.filter(user=user).delete()[0] and not own:
        return  # nothing to stop: no entry
    audit_record(
        actor=actor,
        action="dispatch.calendar.feed",
        ledger="meetings",
        key=f"日历 {user.username}",
        after={"事项": "停用日历订阅地址", **({"原因": reason} if reason else {})},
    )


def _credentials_revoked(sender, user, actor, reason, **kwargs) -> None:
    calendar_feed_revoke(actor=actor, user=user, reason=reason)
