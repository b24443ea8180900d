from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .services import logout_recorded

LAST_SEEN = "_last_seen"
LOGIN_AT = "_login_at"
# The session (and its cookie's expiry) is renewed at most this often, not on every
# request: a page view then costs no database write.
_RENEW_SECONDS = 60


class SessionPolicyMiddleware:
    """A logged-in session ends IDLE_TIMEOUT_MINUTES after its last request or
    SESSION_MAX_HOURS after login, whichever comes first (audited). A user whose password
    has expired, or was set by an administrator, changes it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            login_at = session.get(LOGIN_AT)
            last = session.get(LAST_SEEN)
            if login_at is not None and now - login_at > settings.SESSION_MAX_HOURS * 3600:
                self._end(request, "会话到期（超过最长会话时间）")
            elif last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                self._end(request, "空闲超时")
            else:
                if login_at is None:
                    session[LOGIN_AT] = now
                if last is None or now - last > _RENEW_SECONDS:
                    session[LAST_SEEN] = now
                blocked = self._password_first(request)
                if blocked is not None:
                    return blocked
        return self.get_response(request)

    @staticmethod
    def _end(request, how: str) -> None:
        user = request.user
        logout(request)
        logout_recorded(user=user, how=how)

    @staticmethod
    def _password_first(request):
        user = request.user
        if not (user.must_change_password or user.password_expired()):
            return None
        path = request.path
        allowed = (reverse("password-change"), reverse("logout"), settings.STATIC_URL)
        if path.startswith(allowed):
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {"errors": [{"field": "password", "message": "请先修改密码后再使用接口。"}]},
                status=403,
            )
        return redirect("password-change")


# The name settings.MIDDLEWARE has always used.
IdleTimeoutMiddleware = SessionPolicyMiddleware
