from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

_LAST_SEEN = "_last_seen"
# The session (and its cookie's expiry) is renewed at most this often, not on every
# request: a page view then costs no database write.
_RENEW_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log a session out after IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
            elif last is None or now - last > _RENEW_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
