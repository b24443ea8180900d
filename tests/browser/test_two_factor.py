"""Two-factor login in the browser: a user of a role that requires it enrols (reads the
secret shown on the page, as a phone's authenticator would from the QR code), keeps the
recovery codes, logs out, and logs in again with a freshly generated code."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.accounts.models import TwoFactor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")


def a_fresh_code(secret: str, used: str) -> str:
    """The next code the authenticator shows that differs from the one just used (a
    code is accepted once): the current one, or the next time step's."""
    totp = pyotp.TOTP(secret)
    code = totp.now()
    if code == used:
        code = totp.at(time.time() + totp.interval)
    return code


def test_enrol_then_log_in_with_a_generated_code(page, live_server, users, settings):
    settings.TWO_FACTOR_ROLES = ["office"]
    password_step(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/login/enrol/")
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    # Nothing else answers between the two steps.
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/login/?next=/")
    page.goto(f"{live_server.url}/login/enrol/")
    secret = page.locator("#two-factor-secret").get_attribute("data-secret")
    assert secret.replace(" ", "") in page.locator("#two-factor-secret").inner_text().replace(
        " ", ""
    )
    first = pyotp.TOTP(secret).now()
    page.fill("#id_code", first)
    page.click("button:has-text('确认绑定')")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    with page.expect_download() as download:
        page.click("button:has-text('下载为 .txt 文件')")
    saved = download.value.path().read_text(encoding="utf-8-sig")
    for code in page.locator("#recovery-codes li").all_inner_texts():
        assert code in saved
    page.click("a:has-text('我已保存，继续')")
    page.wait_for_url(f"{live_server.url}/")
    assert TwoFactor.objects.filter(user=users.office).exists()
    page.click("button:text-is('退出')")

    password_step(page, live_server, "office")
    page.wait_for_url(f"{live_server.url}/login/verify/")
    page.fill("#id_code", a_fresh_code(secret, first))
    page.click("button:has-text('验证')")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("nav")).to_contain_text("退出")
