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


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy on every answer (pages, API, error pages): scripts and
    styles only from the site's own static files, never inline, never eval. The API's
    interactive docs (django-ninja's vendored Swagger UI) work under the same policy."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response


class RequestTooLarge(Exception):
    """Raised by a request stream read past the request's limit."""


class _LimitedInput:
    """The WSGI input of a request that declares no length (chunked): reading past
    `limit` bytes fails, so nothing larger is ever parsed or spooled."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.read_so_far, self.tripped = stream, limit, 0, False

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            self.tripped = True
            raise RequestTooLarge
        return data

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.limit + 1 - self.read_so_far
        return self._count(self.stream.read(max(0, min(size, self.limit + 1 - self.read_so_far))))

    def readline(self, size=-1):
        room = self.limit + 1 - self.read_so_far
        return self._count(
            self.stream.readline(room if size is None or size < 0 else min(size, room))
        )

    def __iter__(self):
        while line := self.readline():
            yield line


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than its kind may be before anything reads it (CSRF
    reads POST, Django spools uploads to the temp dir): anonymous requests (the login
    form) get REQUEST_MAX_ANONYMOUS_BYTES, signed-in uploads (multipart) the largest
    ledger file or attachments a form may carry, other signed-in requests
    DATA_UPLOAD_MAX_MEMORY_SIZE. Placed right after the session middleware; the user is
    read from the session (or the API token) only when the body is above the anonymous
    limit. A body without Content-Length is counted as it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        declared = request.META.get("CONTENT_LENGTH") or ""
        anonymous_limit = settings.REQUEST_MAX_ANONYMOUS_BYTES
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                return self._refused(request, "请求长度（Content-Length）无效。", 400)
            if length > anonymous_limit and length > (limit := self._limit(request)):
                return self._refused(request, limit=limit)
            return self.get_response(request)
        if "HTTP_TRANSFER_ENCODING" not in request.META or "wsgi.input" not in request.environ:
            return self.get_response(request)  # no body
        # No declared length (chunked): the body may be read up to the request's limit.
        limit = self._limit(request)
        stream = _LimitedInput(request.environ["wsgi.input"], limit)
        request.environ["wsgi.input"] = stream
        try:
            response = self.get_response(request)
        except RequestTooLarge:
            return self._refused(request, limit=limit)
        return self._refused(request, limit=limit) if stream.tripped else response

    def _limit(self, request) -> int:
        from django.conf import settings

        if not self._signed_in(request):
            return settings.REQUEST_MAX_ANONYMOUS_BYTES
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data"):
            return upload_limit()
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def _signed_in(request) -> bool:
        from django.conf import settings
        from django.contrib.auth.middleware import get_user
        from django.utils.module_loading import import_string

        if hasattr(request, "session") and get_user(request).is_authenticated:
            return True
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return import_string(settings.TAIZHANG_TOKEN_USER)(token.strip()) is not None
        return False

    @staticmethod
    def _refused(request, message: str = "", status: int = 413, limit: int = 0):
        from django.http import JsonResponse
        from django.shortcuts import render

        if not message:
            size = f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit // 1024 // 1024} MB"
            message = f"提交的内容过大（上限 {size}），已拒绝。请缩小文件或分批提交。"
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"errors": [{"field": "", "message": message}]},
                status=status,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            title = "请求过大" if status == 413 else "请求无效"
            context = {"title": title, "message": message}
            response = render(request, "shell/error.html", context, status=status)
        return response


def upload_limit() -> int:
    """The largest multipart body a signed-in user may send: the largest ledger file
    (TAIZHANG_MAX_UPLOAD_MB) or the attachments one ledger's form may carry (each file
    column's max_mb, at least a file column's default), whichever is larger, plus 1 MB
    for the form's other fields. The pages then refuse a file above its own limit with
    their own message."""
    from dataclasses import fields

    from django.conf import settings

    from taizhang.core.ledger import Column, registry

    default_mb = next(f.default for f in fields(Column) if f.name == "max_mb")
    attachments = max(
        (
            sum(c.max_mb for c in ledger.columns if c.kind_name == "file")
            for ledger in registry.values()
        ),
        default=0,
    )
    largest_mb = max(attachments, default_mb)
    return max(settings.MAX_UPLOAD_BYTES, largest_mb * 1024 * 1024) + 1024 * 1024


class NulRefusalMiddleware:
    """A NUL character has no place in an address, a form or a JSON body, and PostgreSQL
    refuses it in any query (a 500 where SQLite answers): refused with 400 before any
    view reads it. After RequestSizeLimitMiddleware, so the body read here is bounded."""

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return self._refused(request)
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and (
            content_type.startswith(self.FORM) or content_type.startswith("application/json")
        ):
            body = request.body
            if b"\x00" in body or b"%00" in body or b"\\u0000" in body:
                return self._refused(request)
        elif request.method == "POST" and content_type.startswith("multipart/form-data"):
            # The fields, not the files (a workbook is full of NUL bytes).
            if any("\x00" in value for _, values in request.POST.lists() for value in values):
                return self._refused(request)
        return self.get_response(request)

    @staticmethod
    def _refused(request):
        from django.http import HttpResponse

        return HttpResponse(
            "请求中含有无效字符（NUL）。", status=400, content_type="text/plain; charset=utf-8"
        )
