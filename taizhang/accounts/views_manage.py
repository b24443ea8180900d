"""用户管理: the pages of admin and office users (not Django admin). Every view answers
403 to anyone else, 404 for a user outside the caller's view; every write goes through
accounts/manage.py (audited)."""

import io
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from taizhang.core.ledger_files import uploaded_file
from taizhang.core.models import ImportPreview
from taizhang.core.spreadsheet import FileProblem, SheetWriter

from . import imports
from . import managing as manage
from .managing import Refused
from .models import Grant, LoginThrottle, Role, User
from .onetime import DeliveryRefused, delivery_take

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_LEDGER = "accounts"  # the name its uploads are kept under (core ImportPreview)
PREVIEW_HOURS = 24
PAGE_SIZE = 50


def _manager(request) -> None:
    if not manage.is_manager(request.user):
        raise PermissionDenied("只有系统管理员和主题教育办可以管理用户。")


def _org(code: str):
    from taizhang.orgs.models import Organization

    code = code.strip().split()[0] if code.strip() else ""
    return Organization.objects.filter(code=code, archived_at=None).first() if code else None


def _managed_user(request, pk: int) -> User:
    return get_object_or_404(manage.users_managed(request.user), pk=pk)


def _state(user: User, locked: set) -> str:
    if not user.is_active:
        return "已停用"
    if user.username in locked:
        return "登录受限"
    if user.must_change_password:
        return "待修改初始密码"
    return "正常"


def _locked_names(usernames) -> set:
    return set(
        LoginThrottle.objects.filter(
            username__in=list(usernames), locked_until__gt=timezone.now()
        ).values_list("username", flat=True)
    )


def _filtered_grants(request, grants):
    """Grants narrowed by the role, organization (subtree) and search of the query."""
    from taizhang.core.scope import subtree_q

    role = request.GET.get("role", "")
    code = request.GET.get("org", "").strip()
    q = request.GET.get("q", "").strip()
    problem = ""
    if role in Role.values:
        grants = grants.filter(role=role)
    if code:
        org = _org(code)
        if org is None:
            problem = f"组织“{code}”不存在"
            grants = grants.none()
        else:
            grants = grants.filter(subtree_q("org__path", org.path))
    if q:
        grants = grants.filter(Q(user__username__icontains=q) | Q(user__display_name__icontains=q))
    return grants, problem


@login_required
def users_view(request):
    """用户管理: the users in the caller's view; search, filter by role and organization."""
    _manager(request)
    users = manage.users_managed(request.user)
    role = request.GET.get("role", "")
    code = request.GET.get("org", "").strip()
    q = request.GET.get("q", "").strip()
    problem = ""
    if role or code:
        grants, problem = _filtered_grants(request, Grant.objects.all())
        users = users.filter(pk__in=grants.values("user_id"))
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    paginator = Paginator(users.order_by("username"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    by_user: dict[int, list] = {}
    for grant in Grant.objects.filter(user__in=rows).select_related("org").order_by("org__path"):
        by_user.setdefault(grant.user_id, []).append(grant)
    locked = _locked_names(u.username for u in rows)
    query = {k: v for k, v in (("q", q), ("role", role), ("org", code)) if v}
    return render(
        request,
        "accounts/manage/users.html",
        {
            "rows": [(u, by_user.get(u.pk, []), _state(u, locked)) for u in rows],
            "page": page,
            "count": paginator.count,
            "roles": Role.choices,
            "q": q,
            "role": role,
            "org": code,
            "problem": problem,
            "query": urlencode(query),
        },
    )


def _password_page(request, token: str, key: str, *, title: str, accounts: list, status=200):
    return render(
        request,
        "accounts/manage/password_file.html",
        {
            "title": title,
            "token": token,
            "key": key,
            "accounts": accounts[:20],
            "count": len(accounts),
            "minutes": settings.PASSWORD_FILE_MINUTES,
        },
        status=status,
    )


@login_required
def user_create_view(request):
    _manager(request)
    values = {
        k: request.POST.get(k, "").strip()
        for k in ("username", "display_name", "person", "role", "org", "mobile")
    }
    error = ""
    if request.method == "POST":
        try:
            if not values["username"] or not values["display_name"]:
                raise Refused("请填写用户名和姓名。")
            org = _org(values["org"])
            if org is None:
                raise Refused(f"组织“{values['org']}”不存在或不在您的管理范围内。")
            person = None
            if values["person"]:
                person = manage.people_linkable(request.user).filter(code=values["person"]).first()
                if person is None:
                    raise Refused(
                        f"人员“{values['person']}”不存在、不在您的管理范围内或已关联其他账号。"
                    )
            if values["mobile"] and not imports.MOBILE.match(values["mobile"]):
                raise Refused("手机号码应为 11 位。")
            user, token, key = manage.user_new(
                actor=request.user,
                username=values["username"],
                display_name=values["display_name"],
                role=values["role"],
                org=org,
                person=person,
                mobile=values["mobile"],
            )
        except Refused as refused:
            error = str(refused)
        else:
            return _password_page(
                request, token, key, title=f"已创建用户“{user.username}”", accounts=[user]
            )
    return render(
        request,
        "accounts/manage/user_form.html",
        {"values": values, "error": error, "roles": _roles_offered(request.user)},
        status=400 if error else 200,
    )


def _roles_offered(user) -> list[tuple[str, str]]:
    return [(r, Role(r).label) for r in imports._roles_offered(user)]


@login_required
def user_detail_view(request, pk: int):
    _manager(request)
    user = _managed_user(request, pk)
    grants = list(user.grants.select_related("org").order_by("org__path"))
    removable = {g.pk for g in grants if g.role in manage.roles_grantable(request.user, g.org)}
    try:
        manage.check_manageable(request.user, user)
        manageable, why = True, ""
    except Refused as refused:
        manageable, why = False, str(refused)
    return render(
        request,
        "accounts/manage/user_detail.html",
        {
            "subject": user,
            "grants": [(g, g.pk in removable) for g in grants],
            "state": _state(user, _locked_names([user.username])),
            "locked": manage.login_locked(user),
            "manageable": manageable,
            "why": why,
            "roles": _roles_offered(request.user),
        },
    )


def _step(request, pk: int, action) -> object:
    _manager(request)
    user = _managed_user(request, pk)
    try:
        return action(user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("user-detail", pk)


@login_required
@require_POST
def user_disable_view(request, pk: int):
    def act(user):
        manage.user_disable(actor=request.user, user=user)
        messages.success(request, f"已停用“{user.username}”，其接口令牌已全部吊销。")
        return redirect("user-detail", pk)

    return _step(request, pk, act)


@login_required
@require_POST
def user_enable_view(request, pk: int):
    def act(user):
        manage.user_enable(actor=request.user, user=user)
        messages.success(request, f"已启用“{user.username}”。")
        return redirect("user-detail", pk)

    return _step(request, pk, act)


@login_required
@require_POST
def user_unlock_view(request, pk: int):
    def act(user):
        manage.user_unlock(actor=request.user, user=user)
        messages.success(request, f"已解除“{user.username}”的登录限制。")
        return redirect("user-detail", pk)

    return _step(request, pk, act)


@login_required
@require_POST
def user_password_reset_view(request, pk: int):
    def act(user):
        token, key = manage.password_reset(actor=request.user, user=user)
        return _password_page(
            request, token, key, title=f"已重置“{user.username}”的密码", accounts=[user]
        )

    return _step(request, pk, act)


@login_required
@require_POST
def grant_add_view(request, pk: int):
    def act(user):
        org = _org(request.POST.get("org", ""))
        role = request.POST.get("role", "")
        if org is None:
            raise Refused(
                f"组织“{request.POST.get('org', '').strip()}”不存在或不在您的管理范围内。"
            )
        manage.grant_add(actor=request.user, user=user, role=role, org=org)
        messages.success(request, f"已为“{user.username}”增加授权：{Role(role).label}·{org.name}。")
        return redirect("user-detail", pk)

    return _step(request, pk, act)


@login_required
@require_POST
def grant_remove_view(request, pk: int, grant_id: int):
    def act(user):
        grant = get_object_or_404(
            Grant.objects.select_related("org", "user"), pk=grant_id, user=user
        )
        manage.grant_remove(actor=request.user, grant=grant)
        messages.success(request, f"已移除授权：{Role(grant.role).label}·{grant.org.name}。")
        return redirect("user-detail", pk)

    return _step(request, pk, act)


# ---------------------------------------------------------------- import


def _preview_of(request) -> ImportPreview:
    preview = ImportPreview.objects.filter(
        token=request.POST.get("token", ""),
        user=request.user,
        ledger=PREVIEW_LEDGER,
        created_at__gte=timezone.now() - timedelta(hours=PREVIEW_HOURS),
    ).first()
    if preview is None:
        raise Http404("导入已完成或已过期，请重新上传")
    return preview


def _preview_context(outcome) -> dict:
    return {
        "outcome": outcome,
        "created": [
            (
                s["username"],
                s["display_name"],
                "、".join(f"{Role(r).label}·{o.name}" for r, o in s["grants"]),
            )
            for s in outcome.created[:20]
        ],
        "added": [
            (u.username, u.display_name, f"{Role(r).label}·{o.name}")
            for u, r, o in outcome.added[:20]
        ],
    }


@login_required
def users_import_view(request):
    """Upload → preview (nothing written) → commit → the password file, once."""
    _manager(request)
    context: dict = {}
    if request.method == "POST":
        try:
            content, filename = uploaded_file(request)
            outcome = imports.accounts_import(
                actor=request.user, content=content, filename=filename, dry_run=True
            )
        except FileProblem as problem:
            context["file_problem"] = str(problem)
            return render(request, "accounts/manage/import.html", context, status=400)
        stale = timezone.now() - timedelta(hours=PREVIEW_HOURS)
        ImportPreview.objects.filter(created_at__lt=stale).delete()
        preview = ImportPreview.objects.create(
            token=uuid.uuid4().hex,
            user=request.user,
            ledger=PREVIEW_LEDGER,
            filename=filename[-200:],
            content=content,
            created_at=timezone.now(),
        )
        context.update(_preview_context(outcome), token=preview.token, filename=filename)
        status = 400 if outcome.problems else 200
        return render(request, "accounts/manage/import.html", context, status=status)
    return render(request, "accounts/manage/import.html", context)


@login_required
@require_POST
def users_import_commit_view(request):
    _manager(request)
    preview = _preview_of(request)
    content, filename = bytes(preview.content), preview.filename
    try:
        outcome = imports.accounts_import(
            actor=request.user, content=content, filename=filename, dry_run=False
        )
    except FileProblem as problem:
        return render(
            request, "accounts/manage/import.html", {"file_problem": str(problem)}, status=400
        )
    if not outcome.ok:
        return render(request, "accounts/manage/import.html", _preview_context(outcome), status=400)
    preview.delete()
    if not outcome.token:
        messages.success(request, f"导入完成：{outcome.summary()}。")
        return redirect("users")
    created = [
        User(username=s["username"], display_name=s["display_name"]) for s in outcome.created
    ]
    return _password_page(
        request,
        outcome.token,
        outcome.key,
        title=f"导入完成：{outcome.summary()}",
        accounts=created,
    )


@login_required
def users_import_template_view(request):
    _manager(request)
    buffer = io.BytesIO()
    imports.write_template(buffer, request.user)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="账号导入模板.xlsx", content_type=XLSX)


@login_required
@require_POST
def password_file_view(request):
    """The generated passwords of one creation, import or reset: given once."""
    _manager(request)
    try:
        delivery, content = delivery_take(
            actor=request.user,
            token=request.POST.get("token", ""),
            key=request.POST.get("key", ""),
        )
    except DeliveryRefused as refused:
        return render(
            request,
            "accounts/manage/password_file_refused.html",
            {"message": str(refused)},
            status=410,
        )
    stamp = timezone.localtime(delivery.created_at).strftime("%Y%m%d%H%M")
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"初始密码{stamp}.xlsx",
        content_type=XLSX,
    )


# ---------------------------------------------------------------- who holds which grant

HOLDER_HEADERS = ["用户名", "姓名", "角色", "组织编码", "组织", "最近登录", "状态"]


@login_required
def grant_holders_view(request):
    """授权名单: who holds which grant in a subtree; exportable (audited)."""
    _manager(request)
    grants, problem = _filtered_grants(request, manage.grants_managed(request.user))
    grants = grants.order_by("org__path", "role", "user__username")
    if request.GET.get("format") == "xlsx" and not problem:
        return _holders_export(request, grants)
    paginator = Paginator(grants, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    locked = _locked_names(g.user.username for g in rows)
    query = {k: request.GET.get(k, "").strip() for k in ("q", "role", "org")}
    query = {k: v for k, v in query.items() if v}
    return render(
        request,
        "accounts/manage/grant_holders.html",
        {
            "rows": [(g, _state(g.user, locked)) for g in rows],
            "page": page,
            "count": paginator.count,
            "roles": Role.choices,
            "problem": problem,
            **{k: request.GET.get(k, "").strip() for k in ("q", "role", "org")},
            "query": urlencode(query),
        },
    )


def _holders_export(request, grants):
    buffer = io.BytesIO()
    writer = SheetWriter(buffer, "授权名单")
    writer.write_row(HOLDER_HEADERS, header=True)
    for col, width in enumerate((16, 12, 14, 18, 36, 18, 14)):
        writer.sheet.set_column(col, col, width)
    count = 0
    locked = set(
        LoginThrottle.objects.filter(locked_until__gt=timezone.now()).values_list(
            "username", flat=True
        )
    )
    for grant in grants.iterator(chunk_size=2000):
        user = grant.user
        writer.write_row(
            [
                user.username,
                user.display_name,
                Role(grant.role).label,
                grant.org.code,
                grant.org.name,
                user.last_login,
                _state(user, locked),
            ]
        )
        count += 1
    writer.close()
    manage.grants_export_recorded(
        actor=request.user,
        org_code=request.GET.get("org", "").strip(),
        role=request.GET.get("role", ""),
        count=count,
    )
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="授权名单.xlsx", content_type=XLSX)
