from taizhang.core.errors import error_logged


class ErrorIdMiddleware:
    """Give every unexpected error an id: logged with its traceback, shown to the user on
    the 500 page (never the traceback), so that a report of "错误编号 …" finds the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        request.error_id = error_logged(request, exception)


class NoStoreMiddleware:
    """Pages, API answers and exports hold personal data: no browser or proxy keeps them
    (static files are served before this, by WhiteNoise, and stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Cache-Control", "no-store")
        return response
