"""An office user creates 20 branch-secretary accounts from a spreadsheet, downloads the
password file once, and one of the secretaries logs in with the password from the file
and is made to change it first."""

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from conftest import PASSWORD, write, xlsx_bytes
from taizhang.accounts.models import User

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_imports_twenty_secretaries_and_one_logs_in(
    page, browser, live_server, users, district, tmp_path
):
    write(
        "orgs",
        [
            {
                "code": f"QSH-A-S{n:02d}",
                "name": f"第{n}村党支部",
                "parent": "QSH-A",
                "kind": "党支部",
            }
            for n in range(1, 21)
        ],
    )
    sheet = tmp_path / "书记账号.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [["用户名*", "姓名*", "角色*", "授权组织编码*"]]
            + [
                [f"shuji{n:02d}", f"书记{n}", "党组织管理员", f"QSH-A-S{n:02d}"]
                for n in range(1, 21)
            ]
        )
    )
    log_in(page, live_server, "office", PASSWORD)
    page.click("nav >> text=用户管理")
    page.click("text=批量导入")
    page.set_input_files("#id_file", str(sheet))
    page.click("button:has-text('上传并预览')")
    expect(page.locator("#import-preview")).to_contain_text("将新建账号 20 个")
    page.click("#import-commit")
    expect(page.locator("#password-file-notice")).to_contain_text("只能下载一次")
    assert User.objects.filter(username__startswith="shuji").count() == 20
    with page.expect_download() as download:
        page.click("#password-file-download")
    rows = CalamineWorkbook.from_path(str(download.value.path())).get_sheet_by_index(0)
    rows = rows.to_python()
    assert rows[0][:4] == ["用户名", "姓名", "初始密码", "组织"]
    passwords = {row[0]: row[2] for row in rows[1:]}
    assert len(passwords) == 20
    # A second download is refused, and says why.
    page.click("#password-file-download")
    expect(page.locator("#password-file-refused")).to_contain_text("只提供一次")

    # A secretary logs in with the password from the file and must change it first.
    context = browser.new_context(locale="zh-CN")
    secretary = context.new_page()
    secretary.goto(f"{live_server.url}/login/")
    expect(secretary.locator("#site-name")).to_contain_text("青山湖区 · 主题教育台账")
    secretary.fill("#id_username", "shuji07")
    secretary.fill("#id_password", passwords["shuji07"])
    secretary.click("button:has-text('登录')")
    secretary.wait_for_url(f"{live_server.url}/password/")
    expect(secretary.locator("#password-reason")).to_contain_text("请先修改密码")
    secretary.goto(f"{live_server.url}/ledgers/")
    secretary.wait_for_url(f"{live_server.url}/password/")
    secretary.fill("#id_old_password", passwords["shuji07"])
    secretary.fill("#id_new_password1", "Zhibu-2023-Shuji")
    secretary.fill("#id_new_password2", "Zhibu-2023-Shuji")
    secretary.click("button:has-text('保存')")
    secretary.wait_for_url(f"{live_server.url}/")
    expect(secretary.locator("nav")).to_contain_text("退出")
    assert not User.objects.get(username="shuji07").must_change_password
    context.close()
