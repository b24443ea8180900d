"""Importing accounts from a spreadsheet: a thousand branch secretaries in one go, all or
nothing, per-row Chinese problems, hostile files refused, passwords delivered once."""

import io
import time

import pytest
from django.contrib.auth import authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import PASSWORD, write, xlsx_bytes
from taizhang.accounts.imports import accounts_import
from taizhang.accounts.models import Grant, User
from taizhang.accounts.services import user_create
from taizhang.core.models import AuditEntry
from taizhang.core.spreadsheet import FileProblem
from taizhang.core.tests.test_hostile_files import declared_dimension

pytestmark = pytest.mark.django_db
HEADER = ["用户名*", "姓名*", "人员编号", "角色*", "授权组织编码*", "手机号码"]


def upload(client, content: bytes, name="账号.xlsx"):
    return client.post(reverse("users-import"), {"file": SimpleUploadedFile(name, content)})


def passwords(response) -> dict[str, str]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = rows.get_sheet_by_index(0).to_python()
    return {row[0]: row[2] for row in rows[1:]}


def test_preview_commit_file_once(client_for, users, district):
    client = client_for(users.office)
    content = xlsx_bytes(
        [
            ["青山湖区党支部书记账号"],  # a title row
            HEADER,
            ["sj-a1", "张三", "P-A1", "党组织管理员", "QSH-A-1 湖坊村党支部", 13800138001],
            ["sj-a2", "王小明", "", "org_admin", "QSH-A-2", ""],
            ["sj-a2", "王小明", "", "党员", "QSH-B-1", ""],  # a second grant of the same account
        ]
    )
    preview = upload(client, content)
    assert preview.status_code == 200
    assert (
        preview.context["outcome"].summary() == "新建账号 2 个，为已有账号增加授权 0 项，未变 0 行"
    )
    assert not User.objects.filter(username__startswith="sj-").exists()  # nothing written yet
    done = client.post(reverse("users-import-commit"), {"token": preview.context["token"]})
    assert done.status_code == 200
    assert set(Grant.objects.filter(user__username="sj-a2").values_list("role", "org__code")) == {
        ("org_admin", "QSH-A-2"),
        ("member", "QSH-B-1"),
    }
    assert User.objects.get(username="sj-a1").mobile == "13800138001"
    assert User.objects.get(username="sj-a1").person.code == "P-A1"
    response = client.post(
        reverse("password-file"), {"token": done.context["token"], "key": done.context["key"]}
    )
    found = passwords(response)
    assert set(found) == {"sj-a1", "sj-a2"}
    for username, password in found.items():
        user = authenticate(username=username, password=password)
        assert user is not None and user.must_change_password
    again = client.post(
        reverse("password-file"), {"token": done.context["token"], "key": done.context["key"]}
    )
    assert again.status_code == 410
    entries = AuditEntry.objects.filter(action="accounts.user.created")
    assert {e.object_key for e in entries} == {"sj-a1", "sj-a2"}
    assert all(e.via.startswith("导入") or "账号.xlsx" in e.via for e in entries), [
        e.via for e in entries
    ]
    # The same file again: nothing changes, no password file.
    second = upload(client, content)
    assert (
        second.context["outcome"].summary() == "新建账号 0 个，为已有账号增加授权 0 项，未变 3 行"
    )
    assert (
        client.post(reverse("users-import-commit"), {"token": second.context["token"]}).status_code
        == 302
    )
    # The preview is spent: committing it again is refused.
    assert (
        client.post(reverse("users-import-commit"), {"token": preview.context["token"]}).status_code
        == 404
    )


def test_problems_name_row_and_column_and_nothing_is_written(users, district):
    user_create(
        actor=None, username="taken", password=PASSWORD, role="member", org=district.orgs["QSH-B-1"]
    )
    town_office = user_create(
        actor=None,
        username="townoffice",
        password=PASSWORD,
        role="office",
        org=district.orgs["QSH-A"],
    )
    content = xlsx_bytes(
        [
            HEADER,
            ["ok-1", "好人", "", "党组织管理员", "QSH-A-1", ""],
            ["", "无名", "", "党员", "QSH-A-1", ""],
            ["bad role", "某人", "", "书记", "QSH-A-1", ""],
            ["boss", "某人", "", "系统管理员", "QSH-A", ""],
            ["far", "某人", "", "党员", "QSH-B-1", ""],
            ["nowhere", "某人", "", "党员", "NOPE", ""],
            ["taken", "另一个人", "", "党员", "QSH-A-1", ""],
            ["phone", "某人", "P-B1", "党员", "QSH-A-1", "12345"],
            ["ok-1", "好人", "", "党组织管理员", "QSH-A-1", ""],
        ]
    )
    outcome = accounts_import(actor=town_office, content=content, filename="a.xlsx", dry_run=False)
    lines = [p.line() for p in outcome.problems]
    assert lines == [
        "第3行 用户名: 必填",
        "第4行 用户名: 只能包含字母、数字、汉字和 @ . + - _，最多 150 个字符",
        "第4行 角色: 未知角色（可选：系统管理员、主题教育办、领导干部、党组织管理员、督导组、党员、安全管理员、安全审计员）",
        "第5行 角色: 您不能授予“系统管理员”角色（只有系统管理员可以授予）",
        "第6行 授权组织编码: 组织“QSH-B-1”不存在或不在您的管理范围内",
        "第7行 授权组织编码: 组织“NOPE”不存在或不在您的管理范围内",
        "第8行 用户名: 用户名“taken”已被其他账号使用，请换一个",
        "第9行 人员编号: 人员“P-B1”不存在或不在您的管理范围内",
        "第9行 手机号码: 应为 11 位手机号码",
        "第10行 用户名: 与第2行重复（同一账号、角色与组织）",
    ]
    assert not User.objects.filter(username="ok-1").exists()


def test_a_hostile_file_is_refused(client_for, users):
    response = upload(client_for(users.office), declared_dimension(), "bomb.xlsx")
    assert response.status_code == 400
    assert "文件过大或格式异常" in response.context["file_problem"]
    with pytest.raises(FileProblem):
        accounts_import(actor=users.office, content=b"not a sheet", filename="x.xlsx", dry_run=True)


def test_a_thousand_branch_secretaries_in_one_go(client_for, users, district, capsys, settings):
    # The production hasher (PBKDF2): the time measured is the time a clerk waits.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    branches = [
        {"code": f"QSH-A-Z{n:04d}", "name": f"第{n}党支部", "parent": "QSH-A", "kind": "党支部"}
        for n in range(1, 1001)
    ]
    write("orgs", branches)
    rows = [HEADER] + [
        [f"zb{n:04d}", f"书记{n}", "", "党组织管理员", f"QSH-A-Z{n:04d}", f"139{n:08d}"]
        for n in range(1, 1001)
    ]
    client = client_for(users.office)
    started = time.perf_counter()
    preview = upload(client, xlsx_bytes(rows))
    previewed = time.perf_counter()
    assert preview.status_code == 200, preview.context["outcome"].problems[:3]
    done = client.post(reverse("users-import-commit"), {"token": preview.context["token"]})
    committed = time.perf_counter()
    file = client.post(
        reverse("password-file"), {"token": done.context["token"], "key": done.context["key"]}
    )
    found = passwords(file)
    delivered = time.perf_counter()
    with capsys.disabled():
        print(
            f"\n1,000 accounts: preview {previewed - started:.2f} s, commit "
            f"{committed - previewed:.2f} s, password file {delivered - committed:.2f} s"
        )
    assert len(found) == 1000 and User.objects.filter(username__startswith="zb").count() == 1000
    assert Grant.objects.filter(user__username__startswith="zb", role="org_admin").count() == 1000
    assert authenticate(username="zb0500", password=found["zb0500"]) is not None
    assert len(set(found.values())) == 1000
    assert AuditEntry.objects.filter(action="accounts.user.created").count() == 1000


def test_a_thousand_rows_with_one_bad_row_write_nothing(users, district):
    rows = [HEADER] + [
        [f"zb{n:04d}", f"书记{n}", "", "党组织管理员", "QSH-A-1", ""] for n in range(1, 1001)
    ]
    rows[700][4] = "QSH-X"
    outcome = accounts_import(
        actor=users.office, content=xlsx_bytes(rows), filename="a.xlsx", dry_run=False
    )
    assert [p.line() for p in outcome.problems] == [
        "第701行 授权组织编码: 组织“QSH-X”不存在或不在您的管理范围内"
    ]
    assert not User.objects.filter(username__startswith="zb").exists()


def test_template_offers_the_roles_the_importer_may_grant(client_for, users, district):
    response = client_for(users.office).get(reverse("users-import-template"))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.get_sheet_by_index(0).to_python()[0] == HEADER
    options = workbook.get_sheet_by_name("选项").to_python()
    roles = [row[0] for row in options[1:] if row[0]]
    assert roles == ["领导干部", "党组织管理员", "督导组", "党员"]
    assert "QSH-A-1 湖坊村党支部" in [row[1] for row in options]
