"""The research pages: conflicts (扎堆 / 多头 / 重复), the overview by category, a target's
history, month calendars of a leader or a target, a leader's .ics feed, and the target
picker of the trip form. Thin: reads in selectors, writes in services."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from taizhang.core.access import fetch_for_read, rows_for_read
from taizhang.core.cells import CellError, parse_date
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for

from . import calendar, selectors, services

PAGE_SIZE = 50  # findings per page


def _readable(request):
    if not selectors.reads_research(request.user):
        raise PermissionDenied("您没有查看调研台账的权限")


def _dates(request):
    try:
        return parse_date(request.GET.get("from", "")), parse_date(request.GET.get("to", ""))
    except CellError:
        return None, None


@login_required
def conflicts(request):
    """扎堆 / 多头 / 重复调研: every finding with its trips."""
    _readable(request)
    date_from, date_to = _dates(request)
    found = selectors.findings_for(request.user, date_from=date_from, date_to=date_to)
    kind = request.GET.get("kind", "")
    counts = {}
    for view in found:
        counts[view.label] = counts.get(view.label, 0) + 1
    shown = [v for v in found if not kind or v.finding.kind == kind]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "found": page.object_list,
        "page": page,
        "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        "total": len(found),
        "counts": counts,
        "kind": kind,
        "kinds": list(services.KIND_WORDS.items()),
        "window_days": services.window().days,
        "date_from": date_from,
        "date_to": date_to,
        "research_tab": "conflicts",
    }
    return render(request, "research/conflicts.html", context)


@login_required
def overview(request):
    _readable(request)
    context = {**selectors.overview(request.user), "research_tab": "overview"}
    return render(request, "research/overview.html", context)


@login_required
def target(request, code: str):
    """A target's research history, and its month calendar."""
    _readable(request)
    names = selectors.target_names(request.user, [code], in_scope=True)
    trips = selectors.target_history(request.user, code)
    if code not in names and not trips.exists():
        raise Http404("调研对象不存在或不在您的范围内")
    month = _month(request, trips)
    context = {
        "code": code,
        "name": names.get(code, ""),
        "trips": trips,
        "grid": selectors.month_grid(trips, month, request.user),
        "today": timezone.localdate(),
        "research_tab": "",
    }
    return render(request, "research/target.html", context)


def _month(request, trips) -> dt.date:
    """The month asked for; else this month, when anything is planned from it on; else
    the month of the latest trip (a calendar opens where there is something to see)."""
    try:
        month = parse_date(request.GET.get("month", ""))
    except CellError:
        month = None
    if month and dt.date(1950, 1, 1) <= month <= dt.date(2100, 12, 31):
        return month
    today = timezone.localdate()
    start = dt.datetime.combine(
        today.replace(day=1), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    if trips is None or trips.filter(ends_at__gte=start).exists():
        return today
    latest = trips.order_by("-starts_at").first()
    return timezone.localtime(latest.starts_at).date() if latest else today


@login_required
def leader_calendar(request, code: str = ""):
    """A leader's research trips by month (their own, or any leader's for the office)."""
    _readable(request)
    people = registry["people"]
    leaders = rows_for_read(people, request.user).filter(is_leader=True).order_by("code")
    code = request.GET.get("leader", "") or code  # the picker wins over the address
    if not code and getattr(request.user, "person_id", None):
        own = leaders.filter(pk=request.user.person_id).first()
        code = own.code if own else ""
    leader = fetch_for_read(people, request.user, code) if code else leaders.first()
    trips = selectors.trips_for(request.user).filter(leader=leader) if leader else None
    month = _month(request, trips) if trips is not None else timezone.localdate()
    context = {
        "leader": leader,
        "leaders": leaders,
        "grid": selectors.month_grid(trips, month, request.user) if trips is not None else None,
        "may_issue": leader is not None and _may_issue_feed(request.user, leader),
        "feed_url": request.session.pop("research_feed_url", ""),
        "today": timezone.localdate(),
        "research_tab": "calendar",
    }
    return render(request, "research/leader_calendar.html", context)


def _may_issue_feed(user, leader) -> bool:
    """The leader themselves, or the office."""
    return getattr(user, "person_id", None) == leader.pk or bool(
        scope_for(user).roles & {"office", "admin"}
    )


@login_required
@require_POST
def feed_issue(request, code: str):
    leader = fetch_for_read(registry["people"], request.user, code)
    if not _may_issue_feed(request.user, leader):
        raise PermissionDenied("只有领导本人或主题教育办可以生成调研日历订阅地址")
    token = services.leader_feed_issue(actor=request.user, person=leader)
    url = request.build_absolute_uri(reverse("research-ics", args=[token]))
    request.session["research_feed_url"] = url
    messages.success(request, "已生成新的订阅地址，旧地址随即失效。地址只显示这一次。")
    return redirect("research-leader-calendar", leader.code)


def feed_ics(request, token: str):
    """The .ics feed (RFC 5545) of a leader's trips: the token is the credential."""
    leader = services.leader_for_feed(token)
    if leader is None:
        raise Http404("订阅地址无效")
    response = HttpResponse(calendar.ics_for(leader), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = (
        "inline; filename*=UTF-8''%E8%B0%83%E7%A0%94%E6%97%A5%E5%8E%86.ics"
    )
    return response
