"""The visits pages: the appeals an organization handles (overdue first, 转办 with a
reason) and the leaders' monthly visit quota board. Thin: reads in selectors, writes in
services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from taizhang.core.access import fetch_for_read, fetch_for_write, may_write
from taizhang.core.cells import CellError, parse_date
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for

from . import selectors, services


@login_required
def appeals(request):
    """意见诉求 to handle: the open ones in scope, overdue first."""
    if not selectors.reads_appeals(request.user):
        raise PermissionDenied("您没有查看意见诉求的权限")
    rows = selectors.appeals_to_handle(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": timezone.localdate(),
        "may_transfer": may_write(registry["appeals"], request.user),
    }
    return render(request, "visits/appeals.html", context)


@login_required
@require_POST
def appeal_transfer(request, code: str):
    """转办 to another organization of the district, with a reason."""
    appeal = fetch_for_write(registry["appeals"], request.user, code)
    target = request.POST.get("org", "").strip()
    try:
        org = fetch_for_read(registry["orgs"], request.user, target)
    except Exception:  # noqa: BLE001 - unknown or outside: the same answer
        messages.error(request, f"组织“{target}”不存在或不在您的范围内")
        return redirect("visits-appeals")
    try:
        outcome = services.appeal_transfer(
            actor=request.user, appeal=appeal, org=org, reason=request.POST.get("reason", "")
        )
    except services.TransferRefused as refused:
        messages.error(request, str(refused))
        return redirect("visits-appeals")
    if outcome.ok:
        messages.success(request, f"诉求“{appeal.code}”已转办至{org.name}")
    else:
        messages.error(request, "；".join(p.line() for p in outcome.problems[:3]))
    return redirect("visits-appeals")


@login_required
def quota(request):
    """Leaders' visits month by month (1–2 a month; the three kinds of people)."""
    if not selectors.reads_visits(request.user):
        raise PermissionDenied("您没有查看走访台账的权限")
    return render(request, "visits/quota.html", selectors.quota_board(request.user))


@login_required
def leader_month(request, code: str, month: str):
    if not selectors.reads_visits(request.user):
        raise PermissionDenied("您没有查看走访台账的权限")
    leader = fetch_for_read(registry["people"], request.user, code)
    try:
        first = (parse_date(month + "-01") or timezone.localdate()).replace(day=1)
    except CellError:
        first = timezone.localdate().replace(day=1)
    if not dt.date(1950, 1, 1) <= first <= dt.date(2100, 12, 1):
        first = timezone.localdate().replace(day=1)
    visits = selectors.leader_month_visits(request.user, leader, first)
    return render(
        request, "visits/leader_month.html", {"leader": leader, "month": first, "visits": visits}
    )


def home_panel(request) -> str:
    """An org admin's appeals to handle, overdue first."""
    user = request.user
    if "org_admin" not in scope_for(user).roles or not selectors.reads_appeals(user):
        return ""
    rows = selectors.appeals_to_handle(user)
    today = timezone.localdate()
    context = {
        "open": rows.count(),
        "late": rows.filter(due_on__lt=today).count(),
        "first": list(rows[:5]),
        "today": today,
    }
    return render_to_string("visits/_home_panel.html", context, request=request)
