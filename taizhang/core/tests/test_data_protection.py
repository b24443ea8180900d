"""Data protection in the engine: exports of personal data audited and capped per role,
refusals of the doors audited without flooding, the source of every audit entry (IP,
channel) in the hash chain, and the row history naming people and imports."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from conftest import write, xlsx_bytes
from taizhang.accounts.services import grant_add
from taizhang.core.audit import audit_verify
from taizhang.core.models import AuditEntry
from taizhang.core.spreadsheet import read_cells

EXPORT = reverse("ledger-export", args=["people"])


def _exported_keys(response) -> list[str]:
    cells = read_cells(b"".join(response.streaming_content), "export.xlsx")
    return [row[0] for row in cells[1:]]


def _entries(action, **filters):
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


# -- exports ---------------------------------------------------------------------------


def test_an_export_is_audited_with_its_filter_and_row_count(client, users):
    client.force_login(users.inspector)
    response = client.get(EXPORT, {"org": "QSH-A", "q": "张", "access_token": "S3CRET-T0KEN"})
    assert response.status_code == 200
    assert _exported_keys(response) == ["P-A1"]
    (entry,) = _entries("core.export", actor=users.inspector)
    assert entry.ledger == "people" and entry.after["rows"] == 1
    assert "组织 QSH-A（含下级）" in entry.after["filter"] and "搜索“张”" in entry.after["filter"]
    assert entry.after["params"]["org"] == "QSH-A" and entry.after["params"]["q"] == "张"
    assert entry.via == "页面" and entry.source_ip == "127.0.0.1"
    assert "S3CRET-T0KEN" not in repr((entry.before, entry.after))  # only known parameters


def test_an_export_above_the_roles_cap_is_refused_with_the_cap_named(client, users, settings):
    settings.EXPORT_LIMITS = {"inspector": 2, "leader": 2, "member": 0}
    client.force_login(users.inspector)
    response = client.get(EXPORT, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("ledger-list", args=["people"]))
    text = response.content.decode()
    assert "最多导出 2 条" in text and "当前筛选结果为 4 条" in text and "缩小筛选范围" in text
    assert "Content-Disposition" not in response  # no file, not even part of one
    (refused,) = _entries("core.export.refused", actor=users.inspector)
    assert refused.after["rows"] == 4 and refused.after["cap"] == 2
    assert _entries("core.export") == []
    # Narrowed to two rows, it is exported.
    narrowed = client.get(EXPORT, {"org": "QSH-A"})
    assert narrowed.status_code == 200 and sorted(_exported_keys(narrowed)) == ["P-A1", "P-A2"]
    assert _entries("core.export", actor=users.inspector)[0].after["rows"] == 2


def test_the_cap_counts_only_rows_read_through_a_capped_role(client, users, district, settings):
    """org_admin@QSH-A + inspector@QSH: the rows under QSH-A are theirs to maintain and
    are not counted; the two others (P-B1, L-1) are."""
    settings.EXPORT_LIMITS = {"inspector": 2}
    grant_add(actor=None, user=users.allowed, role="inspector", org=district.orgs["QSH"])
    client.force_login(users.allowed)
    assert client.get(EXPORT).status_code == 200
    settings.EXPORT_LIMITS = {"inspector": 1}
    assert client.get(EXPORT).status_code == 302
    # Maintainers (no cap named) export everything; ledgers without personal columns
    # are never capped.
    client.force_login(users.office)
    assert client.get(EXPORT).status_code == 200
    client.force_login(users.inspector)
    assert client.get(reverse("ledger-export", args=["orgs"])).status_code == 200


def test_the_command_line_export_is_audited(users, tmp_path, capsys):
    target = tmp_path / "人员.xlsx"
    call_command("ledger_export", "people", str(target), org="QSH-A")
    (entry,) = _entries("core.export")
    assert entry.actor is None and entry.actor_name == "系统" and entry.via == "命令行"
    assert entry.after["rows"] == 2 and entry.after["params"] == {"org": "QSH-A"}
    assert entry.after["file"] == "人员.xlsx"


# -- refusals ----------------------------------------------------------------------------


def test_an_out_of_scope_read_is_recorded_once_a_minute(client, users):
    client.force_login(users.sibling)
    url = reverse("ledger-detail", args=["people", "P-A1"])
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get(url).status_code == 404
        assert client.get(url).status_code == 404
        assert client.get("/api/v1/people/P-A1").status_code == 404
    (entry,) = _entries("core.access.denied", actor=users.sibling)
    assert entry.ledger == "people" and entry.object_key == "P-A1"
    assert entry.after == {"method": "GET", "path": url, "status": 404}
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert client.get("/api/v1/people/P-A1").status_code == 404
    later = _entries("core.access.denied", actor=users.sibling)[1]
    assert later.via == "接口" and later.after["path"] == "/api/v1/people/P-A1"
    # An absent key or a row of one's own is no refusal.
    assert client.get(reverse("ledger-detail", args=["people", "NOBODY"])).status_code == 404
    assert client.get(reverse("ledger-detail", args=["people", "P-B1"])).status_code == 200
    assert len(_entries("core.access.denied")) == 2


def test_a_refused_write_is_recorded_with_its_method(client, users):
    client.force_login(users.inspector)
    response = client.patch("/api/v1/people/P-A1", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert client.get(reverse("ledger-create", args=["people"])).status_code == 403
    entries = _entries("core.access.denied", actor=users.inspector)
    assert [(e.object_key, e.after["method"], e.after["status"]) for e in entries] == [
        ("P-A1", "PATCH", 403),
        ("", "GET", 403),
    ]


def test_an_archived_row_of_ones_own_is_no_refusal(client, users):
    client.force_login(users.allowed)
    assert client.delete("/api/v1/people/P-A1").status_code == 200
    assert client.get("/api/v1/people/P-A1").status_code == 404
    assert _entries("core.access.denied") == []


# -- the source of every entry -----------------------------------------------------------


def test_the_source_ip_trusts_forwarded_for_only_from_listed_proxies(client, users, settings):
    client.force_login(users.allowed)
    body = {"title": "宣传委员"}
    client.patch(
        "/api/v1/people/P-A1",
        body,
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    client.patch(
        "/api/v1/people/P-A1",
        {"title": "组织委员"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.7",
    )
    first, second = _entries("update", object_key="P-A1")
    assert (first.source_ip, first.via) == ("10.0.0.5", "接口")  # a forged header ignored
    assert (second.source_ip, second.via) == ("203.0.113.9", "接口")  # the proxy's client
    assert audit_verify()[1] == []


def test_an_import_names_its_file_and_the_history_says_so(client, users):
    users.allowed.display_name = "王管理"
    users.allowed.save()
    client.force_login(users.allowed)
    upload = io.BytesIO(
        xlsx_bytes(
            [["人员编号", "姓名", "所在组织编码", "职务"], ["P-A1", "张三", "QSH-A-1", "组织委员"]]
        )
    )
    upload.name = "九月人员.xlsx"
    preview = client.post(reverse("ledger-import", args=["people"]), {"file": upload})
    commit = client.post(
        reverse("ledger-import-commit", args=["people"]), {"token": preview.context["token"]}
    )
    assert commit.status_code == 302
    client.patch("/api/v1/people/P-A1", {"title": "宣传委员"}, content_type="application/json")
    (imported, api) = _entries("update", object_key="P-A1")
    assert imported.via == "导入：九月人员.xlsx" and api.via == "接口"
    page = client.get(reverse("ledger-detail", args=["people", "P-A1"])).content.decode()
    assert "导入文件“九月人员.xlsx”" in page and "通过接口" in page
    assert "王管理" in page  # the display name, not the login name
    assert audit_verify()[1] == []


def test_the_command_line_import_is_recorded_as_such(users, tmp_path):
    path = tmp_path / "补录.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [["人员编号", "姓名", "所在组织编码", "职务"], ["P-B1", "李四", "QSH-B-1", "委员"]]
        )
    )
    call_command("ledger_import", "people", str(path))
    (entry,) = _entries("update", object_key="P-B1")
    assert entry.via == "导入：补录.xlsx" and entry.source_ip == ""


def test_the_source_is_covered_by_the_hash(client, users):
    client.force_login(users.allowed)
    client.patch("/api/v1/people/P-A1", {"title": "x"}, content_type="application/json")
    entry = _entries("update", object_key="P-A1")[0]
    assert audit_verify()[1] == []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(
                    "UPDATE core_auditentry SET source_ip = '1.2.3.4' WHERE id = %s", [entry.pk]
                )
            return
        cursor.execute("UPDATE core_auditentry SET via = '页面' WHERE id = %s", [entry.pk])
    assert any(f"第 {entry.pk} 条" in p for p in audit_verify()[1])


def test_masked_values_stay_masked_in_the_history(client, users):
    write("people", [{"code": "P-A1", "mobile": "13900001111"}], mode="update")
    client.force_login(users.inspector)
    page = client.get(reverse("ledger-detail", args=["people", "P-A1"])).content.decode()
    assert "138****8000" in page and "139****1111" in page
    assert "13800138000" not in page and "13900001111" not in page


def test_a_user_with_two_grants_gets_a_masked_error_value(client, users, district):
    """A writer who also reads elsewhere through a masking role: the values of personal
    columns in an import's error list are masked (their own rows show in clear)."""
    grant_add(actor=None, user=users.allowed, role="inspector", org=district.orgs["QSH"])
    client.force_login(users.allowed)
    upload = io.BytesIO(
        xlsx_bytes(
            [
                ["人员编号", "姓名", "所在组织编码", "手机号码"],
                ["P-B1", "李四", "QSH-B-1", "13911112222"],
            ]
        )
    )
    upload.name = "越权.xlsx"
    response = client.post(reverse("ledger-import", args=["people"]), {"file": upload})
    problems = response.context["outcome"].problems
    assert problems and all("13911112222" not in str(p.value) for p in problems)
    assert "13911112222" not in response.content.decode()


def test_masking_users_cannot_sort_by_a_personal_column(client, users):
    write("people", [{"code": "P-A2", "mobile": "13000000000"}], mode="update")
    client.force_login(users.inspector)
    items = client.get("/api/v1/people/").json()["items"]
    listed = client.get(reverse("ledger-list", args=["people"]), {"sort": "mobile"})
    order = [i["code"] for i in items]
    page = listed.content.decode()
    positions = [page.index(f"/ledgers/people/{code}/") for code in order]
    assert positions == sorted(positions)  # the default order, not the numbers'
