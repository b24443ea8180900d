"""The dispatch pages: battle map, 每日动态, 周调度, progress reports, decisions, series,
prompts and receipts, notices, calendar. Thin: reads in selectors, writes in services."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from taizhang.core.access import fetch_for_read, may_read, may_write, rows_for_read
from taizhang.core.attachments import AttachmentRefused, attachment_store
from taizhang.core.cells import CellError, parse_date, parse_datetime
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for

from . import recurrence, selectors, services
from .calendar import ics_for
from .ledgers import notice_closable
from .models import (
    CalendarFeed,
    MeetingKind,
    MeetingSeries,
    NoticeStatus,
    PromptForm,
    Receipt,
    TaskStatus,
)
from .sms import sms_segments


def _day(request, name="day") -> dt.date:
    try:
        return parse_date(request.GET.get(name, "")) or timezone.localdate()
    except CellError:
        return timezone.localdate()


@login_required
def board(request):
    """挂图作战."""
    filters = {k: request.GET.get(k, "").strip() for k in ("group", "status", "owner", "colour")}
    context = selectors.battle_map(request.user, **filters)
    groups = []
    if may_read(registry["work_groups"], request.user):
        groups = rows_for_read(registry["work_groups"], request.user).order_by("code")
    context.update(
        filters=filters,
        groups=groups,
        statuses=TaskStatus.values,
        colours=selectors.COLOURS,
        nav_section="dispatch-board",
    )
    return render(request, "dispatch/board.html", context)


@login_required
def daily(request):
    context = selectors.daily(request.user, _day(request))
    context["nav_section"] = "dispatch-daily"
    return render(request, "dispatch/daily.html", context)


@login_required
def weekly(request):
    context = selectors.weekly(request.user, _day(request))
    context["nav_section"] = "dispatch-weekly"
    return render(request, "dispatch/weekly.html", context)


@login_required
def weekly_docx(request):
    from .agenda import agenda_docx

    week = selectors.weekly(request.user, _day(request))
    response = HttpResponse(
        agenda_docx(week),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"周调度议程{week['monday']:%Y%m%d}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(text):
    from urllib.parse import quote

    return quote(text)


@login_required
def task_report(request, code):
    """进展情况, from a phone: the latest reports and a short form."""
    task = _task_for_report(request.user, code)
    error = None
    if request.method == "POST":
        try:
            evidence = _evidence(request)
            percent = _percent(request.POST.get("percent", ""))
            reported_on = parse_date(request.POST.get("reported_on", "")) or timezone.localdate()
            services.task_progress_post(
                actor=request.user,
                task=task,
                reported_on=reported_on,
                text=request.POST.get("text", ""),
                percent=percent,
                evidence=evidence,
            )
            messages.success(request, "进展已报送")
            return redirect("dispatch-task-report", code=task.code)
        except (services.Refused, AttachmentRefused) as refused:
            error = str(refused)
        except CellError as refused:
            error = f"日期：{refused}"
        task.refresh_from_db()
    return render(
        request,
        "dispatch/task_report.html",
        {
            "task": task,
            "reports": task.reports.all()[:20],
            "colour": selectors.task_colour(task, timezone.localdate()),
            "error": error,
            "today": timezone.localdate(),
            "post": request.POST if error else {},
        },
    )


def _percent(text: str) -> int:
    try:
        return int(str(text).strip().rstrip("%"))
    except ValueError:
        raise services.Refused("percent", f"完成进度“{text}”应为 0–100 的整数") from None


def _evidence(request) -> str:
    upload = request.FILES.get("evidence")
    if upload is None:
        return ""
    ledger = registry["tasks"]
    column = ledger.column("detail")  # limits of an evidence file: the engine's defaults
    column = type(column)("佐证材料", "evidence", "file")
    return attachment_store(
        ledger=ledger, column=column, actor=request.user, name=upload.name, content=upload.read()
    ).key


def _task_for_report(user, code):
    """Through the read door; a work-group member who cannot read the task there still
    reaches the tasks of their own group."""
    try:
        task = fetch_for_read(registry["tasks"], user, code)
    except (Http404, PermissionDenied):
        person = getattr(user, "person_id", None)
        from .models import Task

        task = (
            Task.objects.filter(code=code, archived_at=None)
            .filter(Q(work_group__members=person) | Q(work_group__leader=person))
            .first()
            if person
            else None
        )
        if task is None:
            raise Http404("记录不存在") from None
    if not services.task_reportable(task, user):
        raise PermissionDenied("您不是这项任务的责任单位或工作组成员，不能报送进展")
    return task


@login_required
def meeting_decide(request, code):
    """Decisions taken at a meeting become tasks, in one step."""
    meeting = fetch_for_read(registry["meetings"], request.user, code)
    if not may_write(registry["tasks"], request.user):
        raise PermissionDenied("您没有修改此台账的权限")
    problems, error = [], None
    if request.method == "POST":
        try:
            outcome = services.tasks_from_decisions(
                actor=request.user,
                meeting_code=meeting.code,
                decisions=request.POST.get("decisions", "").splitlines(),
                work_group=request.POST.get("work_group", "").strip(),
                org=request.POST.get("org", "").strip(),
                owner=request.POST.get("owner", "").strip(),
                due_on=request.POST.get("due_on", "").strip(),
            )
            if outcome.ok:
                messages.success(request, f"已由会议决定生成任务 {len(outcome.created)} 项")
                return redirect(
                    reverse("ledger-list", args=["tasks"]) + "?" + urlencode({"q": meeting.code})
                )
            problems = outcome.problems
        except services.Refused as refused:
            error = str(refused)
    groups = []
    if may_read(registry["work_groups"], request.user):
        groups = rows_for_read(registry["work_groups"], request.user).order_by("code")
    return render(
        request,
        "dispatch/decide.html",
        {
            "meeting": meeting,
            "groups": groups,
            "problems": problems,
            "error": error,
            "post": request.POST,
        },
    )


@login_required
def series_list(request):
    """Meeting series: the list, and the human form that creates one."""
    meetings = registry["meetings"]
    if not may_read(meetings, request.user):
        raise PermissionDenied("您没有查看此台账的权限")
    scope = scope_for(request.user)
    series = MeetingSeries.objects.filter(scope.q("org__path", meetings.read_roles))
    error = None
    if request.method == "POST":
        try:
            saved = _series_save(request)
            messages.success(request, f"会议系列“{saved.title}”已保存")
            return redirect("dispatch-series-detail", code=saved.code)
        except services.Refused as refused:
            error = str(refused)
    return render(
        request,
        "dispatch/series_list.html",
        {
            "series": [(s, recurrence.describe(s)) for s in series.select_related("org")],
            "error": error,
            "post": request.POST,
            "kinds": MeetingKind.values,
            "weekdays": recurrence.WEEKDAYS,
            "writable": may_write(meetings, request.user),
        },
    )


def _series_save(request):
    post = request.POST
    try:
        start = parse_date(post.get("start", ""))
        until = parse_date(post.get("until", ""))
    except CellError as error:
        raise services.Refused("start", f"日期：{error}") from None
    rule = recurrence.rule_from_form(
        frequency=post.get("frequency", ""),
        weekday=post.get("weekday", ""),
        time=post.get("time", ""),
        start=start,
        until=until,
    )
    code = post.get("code", "").strip()
    if not code or "/" in code:
        raise services.Refused("code", "系列编号必须填写，且不能含 /")
    kind = post.get("kind", "")
    if kind not in MeetingKind.values:
        raise services.Refused("kind", "请选择会议类型")
    return services.series_save(
        actor=request.user,
        code=code,
        title=post.get("title", ""),
        kind=kind,
        org_code=post.get("org", "").strip(),
        rule=rule,
        attendees=[
            c.strip() for c in post.get("attendees", "").replace("、", ",").split(",") if c.strip()
        ],
    )


def _series_for(user, code):
    meetings = registry["meetings"]
    if not may_read(meetings, user):
        raise PermissionDenied("您没有查看此台账的权限")
    series = MeetingSeries.objects.select_related("org").filter(code=code).first()
    if series is None or not scope_for(user).covers(series.org.path, meetings.read_roles):
        raise Http404("记录不存在")
    return series


@login_required
def series_detail(request, code):
    """Next occurrences: held, moved or cancelled; hold, move or cancel one."""
    series = _series_for(request.user, code)
    if request.method == "POST":
        try:
            _occurrence_post(request, series)
        except services.Refused as refused:
            messages.error(request, str(refused))
        return redirect("dispatch-series-detail", code=series.code)
    held = {
        timezone.localtime(m.occurrence).date(): m
        for m in rows_for_read(registry["meetings"], request.user).filter(series=series.code)
    }
    changes = {c.original_at: c for c in series.changes.all()}
    show_past = request.GET.get("all") == "1"
    after = None if show_past else timezone.now() - dt.timedelta(days=1)
    items = []
    for when in recurrence.occurrences(series, after=after, limit=60 if show_past else 10):
        items.append(
            {
                "at": when,
                "value": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                "meeting": held.get(timezone.localtime(when).date()),
                "change": changes.get(when),
            }
        )
    return render(
        request,
        "dispatch/series_detail.html",
        {
            "series": series,
            "rule": recurrence.describe(series),
            "items": items,
            "show_past": show_past,
            "writable": services.series_writable(request.user, series.org),
        },
    )


def _occurrence_post(request, series):
    try:
        original = parse_datetime(request.POST.get("occurrence", ""))
        moved_to = parse_datetime(request.POST.get("moved_to", ""))
    except CellError as error:
        raise services.Refused("moved_to", f"时间：{error}") from None
    action = request.POST.get("action")
    if action == "hold":
        if not services.series_writable(request.user, series.org):
            raise PermissionDenied("您没有修改这个会议系列的权限")
        outcome = services.occurrence_hold(actor=request.user, series=series, original_at=original)
        if not outcome.ok:
            raise services.Refused("occurrence", "；".join(p.line() for p in outcome.problems))
        messages.success(request, "已登记为会议")
    elif action == "move":
        if moved_to is None:
            raise services.Refused("moved_to", "请填写改期后的时间")
        services.occurrence_change(
            actor=request.user,
            series=series,
            original_at=original,
            moved_to=moved_to,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "已改期")
    elif action == "cancel":
        services.occurrence_change(
            actor=request.user,
            series=series,
            original_at=original,
            moved_to=None,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, "已取消本次会议")


@login_required
def prompt_detail(request, code):
    """A prompt: its receipts, the unsigned list and the one-click reminder."""
    prompt = fetch_for_read(registry["prompts"], request.user, code)
    if request.method == "POST" and request.POST.get("action") == "remind":
        count = services.prompt_remind(actor=request.user, prompt=prompt)
        messages.success(request, f"已向 {count} 个未签收对象发送催签提醒（站内消息）")
        return redirect("dispatch-prompt", code=prompt.code)
    mine = selectors.receipts_for(request.user).filter(prompt=prompt).first()
    context = {
        "prompt": prompt,
        "mine": mine,
        "writable": may_write(registry["prompts"], request.user),
        **selectors.prompt_receipts(request.user, prompt),
    }
    if prompt.form == PromptForm.SMS:
        context["sms"] = sms_segments(prompt.body)
    return render(request, "dispatch/prompt.html", context)


@login_required
def prompt_print(request, code):
    prompt = fetch_for_read(registry["prompts"], request.user, code)
    return render(request, "dispatch/prompt_print.html", {"prompt": prompt})


@login_required
@require_POST
def receipt_sign(request, pk):
    receipt = get_object_or_404(Receipt.objects.select_related("prompt"), pk=pk)
    services.receipt_sign(actor=request.user, receipt=receipt)  # 403 for a non-recipient
    messages.success(request, f"已签收《{receipt.prompt.title}》")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""  # only back into this site
    return redirect(target or "dispatch-inbox")


@login_required
def inbox(request):
    pending = selectors.receipts_for(request.user).filter(signed_at=None).select_related("prompt")
    return render(
        request,
        "dispatch/inbox.html",
        {
            "messages_": selectors.inbox(request.user),
            "pending": pending.order_by("-prompt__issued_on")[:100],
        },
    )


@login_required
def notice_detail(request, code):
    """整改单: the receiving org admin answers; the office closes it or sends it back."""
    notice = fetch_for_read(registry["notices"], request.user, code)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                services.notice_answer(
                    actor=request.user, code=code, feedback=request.POST.get("feedback", "")
                )
                messages.success(request, "已反馈")
            elif action in ("close", "return"):
                services.notice_settle(
                    actor=request.user,
                    code=code,
                    close=action == "close",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "已办结" if action == "close" else "已退回")
        except services.Refused as refused:
            messages.error(request, str(refused))
        return redirect("dispatch-notice", code=code)
    scope = scope_for(request.user)
    return render(
        request,
        "dispatch/notice.html",
        {
            "notice": notice,
            "may_answer": notice.status != NoticeStatus.CLOSED
            and scope.covers(notice.scope_path, {"org_admin", "office", "admin"}),
            "may_settle": notice.status == NoticeStatus.ANSWERED
            and notice_closable(scope, notice.scope_path),
        },
    )


@login_required
def calendar(request):
    """Meetings of the month, and the user's .ics feed."""
    from .calendar import month_grid

    try:
        month = (
            parse_date((request.GET.get("month", "") or "") + "-01")
            if request.GET.get("month")
            else None
        )
    except CellError:
        month = None
    month = month or timezone.localdate().replace(day=1)
    meetings = []
    if may_read(registry["meetings"], request.user):
        meetings = rows_for_read(registry["meetings"], request.user)
    token = request.session.pop("dispatch_feed_token", None)
    return render(
        request,
        "dispatch/calendar.html",
        {
            **month_grid(meetings, month),
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
            "feed_url": request.build_absolute_uri(reverse("dispatch-ics", args=[token]))
            if token
            else "",
        },
    )


@login_required
@require_POST
def calendar_feed(request):
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(actor=request.user)
        messages.success(request, "日历订阅地址已停用")
    else:
        # Shown once, on the next page only; never stored in clear.
        request.session["dispatch_feed_token"] = services.calendar_feed_issue(actor=request.user)
        messages.success(request, "已生成新的日历订阅地址，旧地址即时失效")
    return redirect("dispatch-calendar")


def calendar_ics(request, token):
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=services.feed_digest(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404("订阅地址无效或已停用")
    response = HttpResponse(ics_for(feed.user), content_type="text/calendar; charset=utf-8")
    return response


def home_panel(request) -> str:
    """Per role: the office sees overdue tasks and unsigned prompts; an org admin their
    tasks, prompts to sign and notices to answer; a leader the prompts for leaders."""
    from .panels import panel_html

    return panel_html(request)
