"""Login (password, then a second factor where a role requires it), logout, password
change, the 账号安全 page, API tokens and the security administrator's page.

Between the two steps the session holds only a pending marker (PENDING): the user is not
logged in, so no page and no API call but the second step and the login page answer."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import CodeForm, LoginForm, ThrottledPasswordChangeForm, TokenForm
from .middleware import LAST_SEEN, LOGIN_AT
from .models import ApiToken, LoginThrottle, TwoFactor, User
from .services import (
    client_ip,
    login_failed,
    login_succeeded,
    login_wait_minutes,
    logout_recorded,
    password_set,
    recovery_codes_regenerate,
    recovery_codes_valid,
    throttle_clear,
    throttled_message,
    token_create,
    token_revoke,
    totp_new_secret,
    totp_uri,
    two_factor_enrol,
    two_factor_reset,
    two_factor_verify,
)

PENDING = "_two_factor_pending"
PENDING_SECONDS = 300  # the second step must follow the password within five minutes


def _target(request) -> str:
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    return target


def _complete_login(request, user, target: str = ""):
    request.session.pop(PENDING, None)
    login(request, user)
    request.session[LOGIN_AT] = request.session[LAST_SEEN] = timezone.now().timestamp()
    login_succeeded(user=user, source=client_ip(request))
    return redirect(target or "home")


def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, target = form.user, _target(request)
        if not user.two_factor_required():
            return _complete_login(request, user, target)
        request.session.cycle_key()
        request.session[PENDING] = {
            "id": user.pk,
            "at": timezone.now().timestamp(),
            "next": target,
        }
        enrolled = TwoFactor.objects.filter(user=user).exists()
        return redirect("two-factor" if enrolled else "two-factor-enrol")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "site_name": site_name(), "max_failures": settings.LOGIN_MAX_FAILURES},
    )


def district_name(name: str) -> str:
    """ "青山湖区" of "青山湖区委" or "中共南昌市青山湖区委员会": what the login page names."""
    name = name.strip().removeprefix("中共")
    for suffix in ("委员会", "委"):
        if name.endswith(suffix) and name[: -len(suffix)].endswith(("区", "县", "市", "旗", "州")):
            return name[: -len(suffix)]
    return name


def site_name() -> str:
    """ "青山湖区 · 主题教育台账": the system named after the root organization's district."""
    from taizhang.orgs.models import Organization

    root = (
        Organization.objects.filter(parent=None, archived_at=None)
        .order_by("id")
        .values_list("name", flat=True)
        .first()
    )
    return f"{district_name(root)} · 主题教育台账" if root else "主题教育台账"


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = User.objects.filter(pk=pending["id"], is_active=True).first()
    return user, pending


def _code_failed(request, form, user, wrong: str) -> None:
    failure = login_failed(username=user.username, source=client_ip(request), reason="验证码错误")
    form.add_error("code", failure.message(wrong))


def two_factor_view(request):
    """Second step: a current code from the authenticator, or a recovery code."""
    user, pending = _pending_user(request)
    if user is None:
        messages.info(request, "请重新登录。")
        return redirect("login")
    if not TwoFactor.objects.filter(user=user).exists():
        return redirect("two-factor-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = login_wait_minutes(user.username, client_ip(request))
        if wait:
            form.add_error("code", throttled_message(wait))
        elif two_factor_verify(user=user, code=form.cleaned_data["code"]):
            return _complete_login(request, user, pending.get("next", ""))
        else:
            _code_failed(request, form, user, "验证码不正确或已使用")
    return render(request, "accounts/two_factor.html", {"form": form, "pending_user": user})


def _qr_svg(uri: str) -> str:
    # Rendered here as SVG markup (no external service, no script, no style attribute).
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def two_factor_enrol_view(request):
    """First login of a user who needs a second factor: scan or type the secret, confirm
    with a code; the recovery codes are shown once."""
    user, pending = _pending_user(request)
    if user is None:
        messages.info(request, "请重新登录。")
        return redirect("login")
    if TwoFactor.objects.filter(user=user).exists():
        return redirect("two-factor")
    secret = pending.get("secret")
    if not secret:
        secret = pending["secret"] = totp_new_secret()
        request.session.modified = True
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = login_wait_minutes(user.username, client_ip(request))
        codes = None
        if wait:
            form.add_error("code", throttled_message(wait))
        else:
            codes = two_factor_enrol(user=user, secret=secret, code=form.cleaned_data["code"])
            if codes is None:
                _code_failed(request, form, user, "验证码不正确")
        if codes is not None:
            _complete_login(request, user)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": pending.get("next") or "/"},
            )
    uri = totp_uri(user, secret)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "pending_user": user,
            "secret": secret,
            "secret_grouped": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": _qr_svg(uri),
        },
    )


@login_required
@require_POST
def recovery_codes_download(request):
    """The codes just shown, as a .txt file: only unused codes of this user are echoed."""
    codes = [c.strip() for c in request.POST.getlist("code") if c.strip()]
    if not recovery_codes_valid(user=request.user, codes=codes):
        raise Http404
    lines = [f"台账 两步验证恢复码（{request.user.username}）", "每个恢复码只能使用一次。", ""]
    body = "\r\n".join(lines + codes) + "\r\n"
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@login_required
@require_POST
def recovery_codes_regenerate_view(request):
    if not TwoFactor.objects.filter(user=request.user).exists():
        messages.error(request, "尚未启用两步验证。")
        return redirect("account")
    codes = recovery_codes_regenerate(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/"})


@require_POST
def logout_view(request):
    user = request.user
    logout(request)
    if user.is_authenticated:
        logout_recorded(user=user, how="用户退出")
    return redirect("login")


def _password_reason(user) -> str:
    if user.must_change_password:
        return "管理员为您设置了密码，请先修改密码后再继续使用。"
    if user.password_expired():
        return f"您的密码已使用超过 {settings.PASSWORD_MAX_DAYS} 天，请先修改密码后再继续使用。"
    return ""


@login_required
def password_change_view(request):
    form = ThrottledPasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        password_set(
            actor=request.user,
            user=request.user,
            password=form.cleaned_data["new_password1"],
            must_change=False,
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "reason": _password_reason(request.user)},
    )


@login_required
def account_view(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor": TwoFactor.objects.filter(user=user).first(),
            "two_factor_required": user.two_factor_required(),
            "recovery_left": user.recovery_codes.filter(used_at=None).count(),
        },
    )


@login_required
def tokens_view(request):
    """接口令牌: the user's own tokens; a new one is shown this once."""
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = token_create(actor=request.user, user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "issued": issued, "tokens": tokens, "token_days": settings.TOKEN_DAYS},
    )


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk, user=request.user)
    if token_revoke(actor=request.user, token=token, reason="本人吊销"):
        messages.success(request, f"令牌“{token.name or token.pk}”已吊销。")
    return redirect("tokens")


def _security_admin(request):
    if not request.user.is_security_admin:
        raise PermissionDenied


@login_required
def security_view(request):
    """The security administrator's page: logins now waiting, second factors."""
    _security_admin(request)
    now = timezone.now()
    throttled = LoginThrottle.objects.filter(locked_until__gt=now).order_by("username", "source")
    enrolled = (
        TwoFactor.objects.select_related("user")
        .order_by("user__username")
        .only("confirmed_at", "user__username", "user__display_name")
    )
    return render(request, "accounts/security.html", {"throttled": throttled, "enrolled": enrolled})


@login_required
@require_POST
def security_unlock_view(request):
    _security_admin(request)
    username = request.POST.get("username", "")[:150]
    if throttle_clear(actor=request.user, username=username):
        messages.success(request, f"已解除“{username}”的登录限制。")
    return redirect("security")


@login_required
@require_POST
def security_two_factor_reset_view(request):
    _security_admin(request)
    user = get_object_or_404(User, username=request.POST.get("username", ""))
    two_factor_reset(actor=request.user, user=user)
    messages.success(request, f"已重置“{user.username}”的两步验证，其下次登录时重新绑定。")
    return redirect("security")
