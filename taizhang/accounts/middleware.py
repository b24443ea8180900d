from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

_LAST_SEEN = "_last_seen"


class IdleTimeoutMiddleware:
    """Log a session out after IDLE_TIMEOUT_MINUTES without a request.

    The cookie age already expires idle browsers; this also ends sessions whose cookie
    is replayed after the server-side idle limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
            else:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)
