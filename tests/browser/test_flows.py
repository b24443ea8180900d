"""The other everyday flows, in the browser: a figure down to its rows, archive and
restore, export, change password, a locked account."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_figure_opens_the_rows_it_counts(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    figure = page.locator("[data-figure='党员']")
    count = figure.inner_text()
    figure.click()
    expect(page.locator("#ledger-table")).to_contain_text(f"共 {count} 条")


def test_archive_then_restore_a_person(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/ledgers/people/P-A2/")
    page.click("button:text-is('归档')")
    expect(page.locator(".badge")).to_contain_text("已归档")
    assert Person.objects.get(code="P-A2").archived_at is not None
    page.goto(f"{live_server.url}/ledgers/people/")
    expect(page.locator("#ledger-table")).not_to_contain_text("王小明")
    page.click("a:text-is('已归档')")
    page.click("text=P-A2")
    page.click("button:text-is('恢复')")
    expect(page.locator("main")).to_contain_text("已恢复")
    assert Person.objects.get(code="P-A2").archived_at is None
    expect(page.locator(".history")).to_contain_text("归档")


def test_export_downloads_the_rows_in_scope(page, live_server, users, tmp_path):
    import python_calamine

    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/")
    with page.expect_download() as download:
        page.click("a:text-is('导出')")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["人员编号", "姓名", "所在组织编码"]
    assert sorted(r[0] for r in rows[1:]) == ["P-A1", "P-A2"]


def test_change_password_then_log_in_with_it(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/password/")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "Spring2024ok")
    page.fill("input[name=new_password2]", "Spring2024ok")
    page.click("button:text-is('保存')")
    expect(page.locator("main")).to_contain_text("密码已修改")
    page.click("button:text-is('退出')")
    log_in(page, live_server, "allowed", "Spring2024ok")


def test_locked_account_is_told_so(page, live_server, users, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "allowed")
        page.fill("#id_password", "wrong-1234")
        page.click("button:has-text('登录')")
        expect(page.locator(".alert-danger")).to_contain_text("用户名或密码错误，还可尝试")
    page.fill("#id_username", "allowed")
    page.fill("#id_password", "wrong-1234")
    page.click("button:has-text('登录')")
    expect(page.locator(".alert-danger")).to_contain_text("尝试次数过多")
    page.fill("#id_username", "allowed")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator(".alert-danger")).to_contain_text("尝试次数过多")
