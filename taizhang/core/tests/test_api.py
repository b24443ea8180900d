"""The JSON API over HTTP (LEDGERS.md §6)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taizhang.accounts.services import token_create
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Person


@pytest.fixture
def bearer(users):
    def client_for(user):
        return Client(headers={"Authorization": f"Bearer {token_create(actor=None, user=user)}"})

    return client_for


def test_list_is_scoped_to_the_caller(bearer, users):
    body = bearer(users.allowed).get("/api/v1/people/").json()
    assert body["count"] == 2 and {i["code"] for i in body["items"]} == {"P-A1", "P-A2"}
    item = next(i for i in body["items"] if i["code"] == "P-A2")
    assert (
        item["kinds"] == "年老体弱、离退休"
        and item["is_member"] is True
        and item["org"] == "QSH-A-2"
    )


def test_sibling_row_is_404_for_every_verb(bearer, users):
    api = bearer(users.allowed)
    assert api.get("/api/v1/people/P-B1").status_code == 404
    assert (
        api.patch("/api/v1/people/P-B1", {"name": "x"}, content_type="application/json").status_code
        == 404
    )
    assert api.delete("/api/v1/people/P-B1").status_code == 404
    assert Person.objects.get(code="P-B1").name == "李四"


def test_unauthenticated_is_401_and_bad_token_too(client, users):
    assert client.get("/api/v1/people/").status_code == 401
    bad = Client(headers={"Authorization": "Bearer not-a-token"})
    assert bad.get("/api/v1/people/").status_code == 401


def test_create_update_archive_with_audit(bearer, users):
    api = bearer(users.allowed)
    created = api.post(
        "/api/v1/people/",
        {
            "code": "P-API",
            "name": "接口",
            "org": "QSH-A-1",
            "liaison_orgs": ["QSH-A-2"],
            "is_leader": False,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["liaison_orgs"] == ["QSH-A-2"]
    updated = api.patch(
        "/api/v1/people/P-API", {"title": "宣传委员"}, content_type="application/json"
    )
    assert updated.json()["title"] == "宣传委员" and updated.json()["name"] == "接口"
    assert api.delete("/api/v1/people/P-API").json()["archived"] is True
    assert api.get("/api/v1/people/P-API").status_code == 404
    actions = list(
        AuditEntry.objects.filter(object_key="P-API")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "archive"]


def test_bad_input_is_400_with_chinese_messages_and_nothing_written(bearer, users):
    response = bearer(users.allowed).post(
        "/api/v1/people/",
        {"code": "P-BAD", "name": "", "org": "QSH-B-1", "mobile": "1380013800"},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["mobile"] == "“1380013800”不是 11 位手机号码"
    assert "必填" in errors["name"]
    assert not Person.objects.filter(code="P-BAD").exists()
    duplicate = bearer(users.allowed).post(
        "/api/v1/people/",
        {"code": "P-A1", "name": "重名", "org": "QSH-A-1"},
        content_type="application/json",
    )
    assert duplicate.json()["errors"] == [{"field": "code", "message": "“P-A1”已存在"}]


def test_roles_that_may_not_write_get_403(bearer, users):
    response = bearer(users.inspector).post(
        "/api/v1/people/",
        {"code": "P-I", "name": "甲", "org": "QSH"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert bearer(users.member).get("/api/v1/people/").status_code == 403


def test_session_writes_need_csrf(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.allowed)
    assert client.get("/api/v1/people/").status_code == 200
    response = client.post(
        "/api/v1/people/",
        {"code": "P-C", "name": "甲", "org": "QSH-A-1"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_stats_endpoint_counts_in_scope(bearer, users):
    assert bearer(users.allowed).get("/api/v1/stats").json()["orgs"] == {
        "organizations": 3,
        "branches": 2,
        "members": 2,
        "leaders": 0,
    }
    assert bearer(users.allowed).get("/api/v1/stats?org=QSH-B").status_code == 404


def test_openapi_documents_every_ledger(client, users):
    assert client.get("/api/v1/openapi.json").status_code == 302  # behind login
    client.force_login(users.inspector)
    document = client.get("/api/v1/openapi.json").json()
    for ledger in ("orgs", "people", "work_groups", "enterprises"):
        assert f"/api/v1/{ledger}/" in document["paths"]
    schema = document["components"]["schemas"]["PeopleIn"]["properties"]
    assert "手机号码" in schema["mobile"]["description"]


def _queries(client, url):
    client.get(url)  # a session's first request renews it; count the steady state
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/v1/people/?page_size={n}", "/ledgers/people/?page_size={n}"])
def test_queries_do_not_grow_with_page_size_or_tree_depth(bearer, users, url, client):
    from conftest import write

    write(
        "people",
        [
            {"code": f"P-Q{i}", "name": f"队列{i}", "org": "QSH-A-1", "liaison_orgs": "QSH-A-2"}
            for i in range(60)
        ],
    )
    if url.startswith("/api"):
        branch, district = bearer(users.allowed), bearer(users.office)
    else:
        branch, district = Client(), Client()
        branch.force_login(users.allowed)
        district.force_login(users.office)
    small = _queries(branch, url.format(n=10))
    large = _queries(branch, url.format(n=50))
    district_wide = _queries(district, url.format(n=50))
    assert small == large == district_wide


def test_interactive_docs_load_nothing_from_the_internet(client, users):
    client.force_login(users.office)
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page.split("<body")[0]


def test_archiving_an_org_that_still_holds_people_is_400(bearer, users):
    response = bearer(users.office).delete("/api/v1/orgs/QSH-B-1")
    assert response.status_code == 400
    assert "还有 1 条人员" in response.json()["errors"][0]["message"]


def test_unknown_org_is_reported_once(bearer, users):
    response = bearer(users.allowed).post(
        "/api/v1/people/",
        {"code": "P-U", "name": "甲", "org": "NOWHERE"},
        content_type="application/json",
    )
    assert response.json()["errors"] == [{"field": "org", "message": "“NOWHERE”不存在"}]


def test_moving_a_row_into_a_sibling_org_is_refused(bearer, users):
    response = bearer(users.allowed).patch(
        "/api/v1/people/P-A1", {"org": "QSH-B-1"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "org", "message": "“QSH-B-1”不在您的管理范围内"}]
    assert Person.objects.get(code="P-A1").org.code == "QSH-A-1"


def test_every_operation_of_the_openapi_document_has_its_own_id():
    from collections import Counter

    from taizhang.core.api import api

    schema = api.get_openapi_schema()
    ids = Counter(op["operationId"] for ops in schema["paths"].values() for op in ops.values())
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
    assert "people_update" in ids and "stats" in ids
