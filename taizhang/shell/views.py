"""The shell's own pages: home, system, health, errors."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from taizhang.core.access import may_read, reads_any_ledger
from taizhang.core.ledger import registry

from . import discovery


def _roles(user) -> list[str]:
    return user.roles_display() if hasattr(user, "roles_display") else []


@login_required
def home(request):
    panels = [mark_safe(html) for panel in discovery.home_panels() if (html := panel(request))]
    return render(
        request,
        "shell/home.html",
        {
            "panels": panels,
            "roles": _roles(request.user),
            "reads_ledgers": reads_any_ledger(request.user),
        },
    )


@login_required
def system(request):
    ledgers = [lg for lg in registry.values() if may_read(lg, request.user)]
    return render(request, "shell/system.html", {"roles": _roles(request.user), "ledgers": ledgers})


def healthz(request):
    """For load balancers and process supervisors: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request, exception=None):
    return render(
        request,
        "shell/error.html",
        {"title": "无权访问", "message": _message(exception, "您没有执行此操作的权限。")},
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "shell/error.html",
        {"title": "未找到", "message": _message(exception, "页面或记录不存在。")},
        status=404,
    )


def server_error(request):
    error_id = getattr(request, "error_id", "")
    message = "服务器处理出错，已记录，未保存任何数据。请稍后再试"
    message += f"；如需报告，请提供错误编号 {error_id}。" if error_id else "。"
    return render(
        request,
        "shell/error.html",
        {"title": "系统错误", "message": message, "error_id": error_id},
        status=500,
    )


def _message(exception, default: str) -> str:
    text = str(exception or "")
    # Only our own Chinese messages are shown; Django's English internals never are.
    return text if text and any("\u4e00" <= c <= "\u9fff" for c in text) else default
