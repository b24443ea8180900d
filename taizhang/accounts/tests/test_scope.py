"""Scope: the union of granted subtrees; a row outside it is 404, never 403."""

import io

import pytest
from django.urls import reverse

from conftest import xlsx_bytes
from taizhang.orgs.models import Person


def test_lists_show_only_the_granted_subtree(client_for, users):
    page = client_for(users.allowed).get(reverse("ledger-list", args=["people"])).content.decode()
    assert "张三" in page and "王小明" in page and "李四" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/ledgers/people/P-B1/",
        "/ledgers/people/P-B1/edit/",
        "/ledgers/orgs/QSH-B/",
        "/ledgers/orgs/QSH-B-1/edit/",
    ],
)
def test_a_row_of_a_sibling_organization_is_404(client_for, users, path):
    assert client_for(users.allowed).get(path).status_code == 404


def test_archiving_a_sibling_row_is_404(client_for, users):
    assert client_for(users.allowed).post("/ledgers/people/P-B1/archive/").status_code == 404
    assert Person.objects.get(code="P-B1").archived_at is None


def test_union_of_two_grants(client_for, users, district):
    from taizhang.accounts.services import grant_add

    grant_add(actor=users.admin, user=users.allowed, role="org_admin", org=district.orgs["QSH-B-1"])
    page = client_for(users.allowed).get(reverse("ledger-list", args=["people"])).content.decode()
    assert "李四" in page and "张三" in page and "赵书记" not in page


def test_member_may_not_open_ledgers_and_inspector_may_not_write(client_for, users):
    assert client_for(users.member).get(reverse("ledger-list", args=["people"])).status_code == 403
    inspector = client_for(users.inspector)
    assert inspector.get(reverse("ledger-list", args=["people"])).status_code == 200
    assert inspector.get(reverse("ledger-create", args=["people"])).status_code == 403


def test_form_refuses_a_row_in_a_sibling_org_without_writing(client_for, users):
    response = client_for(users.allowed).post(
        reverse("ledger-create", args=["people"]),
        {"code": "P-NEW", "name": "越界", "org": "QSH-B-1", "is_leader": "否", "is_member": "是"},
    )
    assert "不在您的管理范围内" in response.content.decode()
    assert not Person.objects.filter(code="P-NEW").exists()


def test_form_creates_edits_and_shows_history(client_for, users):
    client = client_for(users.allowed)
    response = client.post(
        reverse("ledger-create", args=["people"]),
        {
            "code": "P-NEW",
            "name": "新同志",
            "org": "QSH-A-2",
            "mobile": "13912345678",
            "is_leader": "否",
            "is_member": "是",
            "kinds": ["青年", "流动党员"],
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(code="P-NEW").kinds == "流动党员、青年"
    response = client.post(
        reverse("ledger-edit", args=["people", "P-NEW"]),
        {"name": "新同志", "org": "QSH-A-2", "mobile": "123", "is_leader": "否", "is_member": "是"},
    )
    assert "不是 11 位手机号码" in response.content.decode()
    client.post(
        reverse("ledger-edit", args=["people", "P-NEW"]),
        {
            "name": "新同志",
            "org": "QSH-A-2",
            "title": "组织委员",
            "is_leader": "否",
            "is_member": "是",
        },
    )
    detail = client.get(reverse("ledger-detail", args=["people", "P-NEW"])).content.decode()
    assert "组织委员" in detail and "修改" in detail and "allowed" in detail


def test_export_holds_only_rows_in_scope(client_for, users):
    import python_calamine

    response = client_for(users.allowed).get(reverse("ledger-export", args=["people"]))
    content = b"".join(response.streaming_content)
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sorted(r[0] for r in rows[1:]) == ["P-A1", "P-A2"]


def test_web_import_previews_then_commits_and_refuses_big_files(client_for, users, settings):
    client = client_for(users.allowed)
    content = xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-W1", "网页导入", "QSH-A-1"]])
    upload = io.BytesIO(content)
    upload.name = "people.xlsx"
    preview = client.post(reverse("ledger-import", args=["people"]), {"file": upload})
    assert "将新增 <strong>1</strong> 条" in preview.content.decode()
    assert not Person.objects.filter(code="P-W1").exists()
    token = preview.context["token"]
    assert (
        client.post(reverse("ledger-import-commit", args=["people"]), {"token": token}).status_code
        == 302
    )
    assert Person.objects.get(code="P-W1").name == "网页导入"
    big = io.BytesIO(b"0" * (20 * 1024 * 1024))
    big.name = "big.xlsx"
    refused = client.post(reverse("ledger-import", args=["people"]), {"file": big})
    assert refused.status_code == 400 and "文件过大" in refused.content.decode()


def test_sibling_cannot_commit_someone_elses_import(client_for, users, client):
    content = xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-W2", "甲", "QSH-A-1"]])
    upload = io.BytesIO(content)
    upload.name = "people.xlsx"
    token = (
        client_for(users.allowed)
        .post(reverse("ledger-import", args=["people"]), {"file": upload})
        .context["token"]
    )
    client.force_login(users.sibling)
    assert (
        client.post(reverse("ledger-import-commit", args=["people"]), {"token": token}).status_code
        == 404
    )
    assert not Person.objects.filter(code="P-W2").exists()


def test_org_picker_offers_only_orgs_in_scope(client_for, users):
    page = client_for(users.allowed).get(reverse("org-picker"), {"q": "村"}).content.decode()
    assert "湖坊村党支部" in page and "京东村党支部" not in page


def test_stats_page_refuses_a_sibling_subtree(client_for, users):
    client = client_for(users.allowed)
    assert client.get(reverse("stats"), {"org": "QSH-B"}).status_code == 404
    page = client.get(reverse("stats"), {"org": "QSH-A-1"}).content.decode()
    assert 'data-figure="党员">1<' in page


def test_template_offers_only_org_codes_in_scope(client_for, users):
    import python_calamine

    response = client_for(users.allowed).get(reverse("ledger-template", args=["people"]))
    book = python_calamine.CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(response.streaming_content))
    )
    options = book.get_sheet_by_name("选项").to_python()
    org_column = [row[options[0].index("所在组织编码")] for row in options[1:]]
    assert {"QSH-A 湖坊镇党委", "QSH-A-1 湖坊村党支部", "QSH-A-2 何坊村党支部"} <= set(org_column)
    assert not any("QSH-B" in option for option in org_column)


def test_import_preview_lists_each_change(client_for, users):
    content = xlsx_bytes(
        [
            ["人员编号", "姓名", "所在组织编码", "手机号码"],
            ["P-A1", "张三", "QSH-A-1", "13900000000"],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "people.xlsx"
    page = (
        client_for(users.allowed)
        .post(reverse("ledger-import", args=["people"]), {"file": upload})
        .content.decode()
    )
    assert "P-A1 张三：手机号码 “13800138000” → “13900000000”" in page


def test_home_and_dispatch_show_only_the_granted_subtree(client_for, users):
    from conftest import write

    write(
        "work_groups",
        [
            {"code": "G-A", "name": "湖坊工作组", "leader": "P-A1"},
            {"code": "G-B", "name": "京东工作组", "leader": "P-B1"},
        ],
    )
    client = client_for(users.allowed)
    dispatch = client.get(reverse("work-groups-board")).content.decode()
    assert "湖坊工作组" in dispatch and "京东工作组" not in dispatch
    home = client.get(reverse("home")).content.decode()
    assert 'data-figure="组织">3<' in home and 'data-figure="党员">2<' in home
    sibling_home = client_for(users.sibling).get(reverse("home")).content.decode()
    assert 'data-figure="组织">2<' in sibling_home and 'data-figure="党员">1<' in sibling_home
