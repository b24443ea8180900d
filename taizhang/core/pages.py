"""The shell's own pages: home, dispatch, system."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from taizhang.accounts.selectors import user_roles_display
from taizhang.core.ledger import registry
from taizhang.core.ledger_read import can_read, ledger_search
from taizhang.stats.views import figure_cards


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "groups": figure_cards(request.user),
            "roles": user_roles_display(request.user),
        },
    )


@login_required
def dispatch(request):
    """Work groups with their leaders and members: who carries the office's tasks."""
    ledger = registry["work_groups"]
    groups = ledger_search(ledger, request.user)[:100] if can_read(ledger, request.user) else []
    return render(request, "core/dispatch.html", {"groups": groups})


@login_required
def system(request):
    ledgers = [lg for lg in registry.values() if can_read(lg, request.user)]
    return render(
        request,
        "core/system.html",
        {
            "roles": user_roles_display(request.user),
            "ledgers": ledgers,
        },
    )


def healthz(request):
    """For load balancers and process supervisors: the database answers."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "无权访问", "message": _message(exception, "您没有执行此操作的权限。")},
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": "未找到", "message": _message(exception, "页面或记录不存在。")},
        status=404,
    )


def server_error(request):
    return render(
        request,
        "core/error.html",
        {"title": "系统错误", "message": "服务器处理出错，已记录，请稍后再试。"},
        status=500,
    )


def _message(exception, default: str) -> str:
    text = str(exception or "")
    # Only our own Chinese messages are shown; Django's English internals never are.
    return text if text and any("\u4e00" <= c <= "\u9fff" for c in text) else default
