"""An org admin imports people through the page (preview, then commit), sees the rows,
and is refused a row of a sibling organization."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, xlsx_bytes
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_admin_imports_people_through_the_page(page, live_server, users, tmp_path):
    log_in(page, live_server, "allowed", PASSWORD)
    page.click("nav .nav-link:text-is('台账')")
    page.click(".list-group-item:has-text('人员')")
    assert page.locator("table.table-ledger").inner_text().count("QSH-A") >= 2

    file = tmp_path / "人员.xlsx"
    file.write_bytes(
        xlsx_bytes(
            [
                ["湖坊镇党委人员台账"],
                ["人员编号*", "姓名*", "所在组织编码*", "手机号码", "人员类别"],
                ["P-UI1", "孙小圣", "QSH-A-1", "13600136000", "青年"],
                ["P-UI2", "朱小能", "QSH-A-2", "", "流动党员"],
            ]
        )
    )
    page.click("a:text-is('导入')")
    page.set_input_files("#id_file", str(file))
    page.click("text=上传并预览")
    preview = page.locator("#import-preview").inner_text()
    assert "将新增 2 条" in preview
    assert not Person.objects.filter(code__startswith="P-UI").exists()  # nothing written yet

    page.click("#import-commit")
    page.wait_for_url(f"{live_server.url}/ledgers/people/")
    assert "导入完成：新增 2 条" in page.inner_text("main")
    page.fill("input[name=q]", "sxs")  # pinyin initials of 孙小圣
    page.press("input[name=q]", "Enter")
    table = page.locator("#ledger-table")
    expect(table).not_to_contain_text("朱小能")  # waits for htmx to swap the table
    expect(table).to_contain_text("孙小圣")

    response = page.goto(f"{live_server.url}/ledgers/people/P-B1/")
    assert response.status == 404
    assert "李四" not in page.content()


def test_import_with_errors_shows_rows_and_writes_nothing(page, live_server, users, tmp_path):
    log_in(page, live_server, "allowed", PASSWORD)
    file = tmp_path / "bad.xlsx"
    file.write_bytes(
        xlsx_bytes(
            [
                ["人员编号", "姓名", "所在组织编码", "手机号码"],
                ["P-E1", "甲", "QSH-A-1", "1380013800"],
                ["P-E2", "乙", "QSH-B-1", ""],
            ]
        )
    )
    page.goto(f"{live_server.url}/ledgers/people/import/")
    page.set_input_files("#id_file", str(file))
    page.click("text=上传并预览")
    table = page.locator("#import-problems").inner_text()
    assert "第2行" in table and "不是 11 位手机号码" in table
    assert "第3行" in table and "不在您的管理范围内" in table
    assert not Person.objects.filter(code__startswith="P-E").exists()


def test_phone_layout_collapses_the_navigation(browser, live_server, users):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    log_in(page, live_server, "allowed", PASSWORD)
    assert not page.locator("#nav").is_visible()
    page.click(".navbar-toggler")
    page.locator("#nav .nav-link:text-is('台账')").click()
    page.wait_for_url(f"{live_server.url}/ledgers/")
    assert page.url.endswith("/ledgers/")
    context.close()
