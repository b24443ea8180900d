"""Request bodies are refused by their declared length before anything reads them:
anonymous requests get a small limit, signed-in uploads the largest ledger file or
attachments, other signed-in requests DATA_UPLOAD_MAX_MEMORY_SIZE; 413 with a Chinese
message (JSON under /api/). A body without a length is counted as it is read. The real
server is exercised in test_request_limits_server.py."""

import io

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from taizhang.accounts.services import token_create
from taizhang.shell.middleware import RequestSizeLimitMiddleware, upload_limit

MB = 1024 * 1024
BOUNDARY = "----taizhang"


def _post(client, path, claimed: int, content_type="application/x-www-form-urlencoded", **extra):
    return client.generic(
        "POST", path, b"a=1", content_type=content_type, CONTENT_LENGTH=str(claimed), **extra
    )


def _refused_page(response):
    assert response.status_code == 413
    text = response.content.decode()
    assert "提交的内容过大" in text and "Traceback" not in text
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_an_anonymous_body_above_the_small_limit_is_refused(client):
    limit = settings.REQUEST_MAX_ANONYMOUS_BYTES
    assert limit == 64 * 1024
    _refused_page(_post(client, reverse("login"), 300 * MB))
    assert "上限 64 KB" in _post(client, reverse("login"), 300 * MB).content.decode()
    _refused_page(_post(client, reverse("login"), limit + 1))
    _refused_page(
        _post(client, reverse("login"), 300 * MB, f"multipart/form-data; boundary={BOUNDARY}")
    )
    # The login form itself still works (a wrong password, answered by the page).
    ok = client.post(reverse("login"), {"username": "nobody", "password": "wrong-12345"})
    assert ok.status_code == 200 and "用户名或密码错误" in ok.content.decode()


@pytest.mark.django_db
def test_the_api_answers_413_in_json(client, users):
    anonymous = _post(client, "/api/v1/people/", 300 * MB, "application/json")
    assert anonymous.status_code == 413
    assert anonymous.json()["errors"][0]["message"].startswith("提交的内容过大")
    token = token_create(actor=None, user=users.office)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    assert (
        _post(client, "/api/v1/people/", too_big, "application/json", **bearer).status_code == 413
    )
    # Above the anonymous limit but within a signed-in one: the API reads it.
    body = b'{"code": "P-BIG", "name": "' + "长".encode() * 40_000 + b'", "org": "QSH-A-1"}'
    assert len(body) > settings.REQUEST_MAX_ANONYMOUS_BYTES
    answered = client.post("/api/v1/people/", body, content_type="application/json", **bearer)
    assert answered.status_code == 400  # the name is too long: a field error, not a 413
    assert answered.json()["errors"][0]["field"] == "name"
    forged = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert (
        _post(client, "/api/v1/people/", 100_000, "application/json", **forged).status_code == 413
    )


@pytest.mark.django_db
def test_signed_in_limits_by_kind(client_for, users):
    client = client_for(users.allowed)
    path = reverse("ledger-import", args=["people"])
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    # The upload limit comes from the ledger file limit and the attachment columns.
    assert upload_limit() == max(settings.MAX_UPLOAD_BYTES, 20 * MB) + MB  # a file column's default
    _refused_page(_post(client, path, upload_limit() + 1, multipart))
    _refused_page(_post(client, path, 300 * MB, multipart))
    # A form (not an upload) above DATA_UPLOAD_MAX_MEMORY_SIZE is refused too.
    form = reverse("ledger-create", args=["people"])
    _refused_page(_post(client, form, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    # A real upload above the anonymous limit reaches the import page.
    content = b"\xef\xbb\xbf" + "人员编号,姓名\n".encode() + b"x" * (200 * 1024)
    upload = io.BytesIO(content)
    upload.name = "people.csv"
    answered = client.post(path, {"file": upload})
    assert answered.status_code != 413 and "导入" in answered.content.decode()


def test_a_body_without_a_length_fails_once_read_past_the_limit():
    """A chunked body (no Content-Length): reading past the limit is refused the same way."""
    factory = RequestFactory()
    limit = settings.REQUEST_MAX_ANONYMOUS_BYTES

    def reader(request):
        request.environ["wsgi.input"].read()
        return HttpResponse("read")

    def chunked(size: int):
        request = factory.post(
            "/login/", content_type="text/plain", HTTP_TRANSFER_ENCODING="chunked"
        )
        del request.META["CONTENT_LENGTH"]
        request.environ["wsgi.input"] = io.BytesIO(b"x" * size)
        return request

    middleware = RequestSizeLimitMiddleware(reader)
    assert middleware(chunked(limit)).status_code == 200
    refused = middleware(chunked(limit + 1))
    assert refused.status_code == 413 and "提交的内容过大" in refused.content.decode()

    def swallowing(request):  # a reader that catches the failure is still answered 413
        try:
            request.environ["wsgi.input"].readline()
            while request.environ["wsgi.input"].read(1000):
                pass
        except Exception:
            return HttpResponse("caught")
        return HttpResponse("read")

    assert RequestSizeLimitMiddleware(swallowing)(chunked(limit + 1)).status_code == 413


def test_a_malformed_length_is_a_400():
    request = RequestFactory().post("/login/", data=b"a", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = "many"
    response = RequestSizeLimitMiddleware(lambda r: HttpResponse())(request)
    assert response.status_code == 400 and "Content-Length" in response.content.decode()


def test_a_nul_anywhere_is_a_400(client, users):
    client.force_login(users.office)
    assert client.get("/study/sign/%00/").status_code == 400
    assert client.get("/ledgers/people/?q=%00").status_code == 400
    assert client.post("/visits/appeals/SQ-1/transfer/", {"org": "a\x00"}).status_code == 400
    body = '{"code": "P-\\u0000", "name": "甲", "org": "QSH-A-1"}'
    response = client.post("/api/v1/people/", body, content_type="application/json")
    assert response.status_code == 400
    assert client.get("/ledgers/people/").status_code == 200
