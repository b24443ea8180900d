"""Issue 10, done when: a branch secretary ticks attendance on a phone-sized page; a
member signs in to a session with its code on a phone viewport and sees it under 我的;
the secretary's 不掉队 list shrinks by that member; a 送学上门 session is planned from
the list."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import PASSWORD, write
from taizhang.accounts.models import User
from taizhang.accounts.services import user_create
from taizhang.orgs.models import Person
from taizhang.study.models import StudyForm, StudySession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PHONE = {"width": 390, "height": 844}
REACH = "/study/?org=QSH-A-1&from=2023-09-15&to=2023-10-16"


def _phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _log_in(page, live_server, username, then: str):
    page.goto(f"{live_server.url}{then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{live_server.url}{then}")


def test_attendance_sign_in_and_nobody_left_behind(browser, live_server, users, district):
    write(
        "people",
        [
            {"code": "P-A3", "name": "刘流动", "org": "QSH-A-1", "kinds": "流动党员"},
            {"code": "P-A4", "name": "陈老", "org": "QSH-A-1", "kinds": "离退休、年老体弱"},
        ],
    )
    write(
        "study_sessions",
        [
            {
                "code": "XX-1",
                "org": "QSH-A-1",
                "held_on": "2023-10-16",
                "form": "支部集中学习",
                "topic": "学习党章",
            }
        ],
    )
    user_create(
        actor=None,
        username="secretary",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-A-1"],
    )
    User.objects.filter(pk=users.member.pk).update(person=Person.objects.get(code="P-A1"))
    session = StudySession.objects.get(code="XX-1")
    with time_machine.travel(dt.datetime(2023, 10, 16, 10, tzinfo=SHANGHAI)):
        context, phone = _phone(browser)
        _log_in(phone, live_server, "secretary", "/study/sessions/XX-1/attendance/")
        rows = phone.locator(".attendance-list li")
        expect(rows).to_have_count(3)  # 张三, 刘流动, 陈老 of the branch
        phone.locator("input[value='P-A3']").check()
        phone.click("button:text-is('保存出勤')")
        expect(phone.locator("#attendance-count")).to_have_text("1")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.goto(f"{live_server.url}{REACH}")
        listed = phone.locator("#not-reached tbody tr[data-code]")
        expect(listed).to_have_count(2)  # 张三 and 陈老
        expect(phone.locator("#reach-missing")).to_have_text("2")
        phone.goto(f"{live_server.url}/study/sessions/XX-1/code/")
        expect(phone.locator(".sign-qr svg")).to_be_visible()
        sign_url = phone.locator("#sign-url").inner_text()
        assert sign_url.endswith(f"/study/sign/{session.sign_token}/")

        # The member opens the code on a phone, logs in and signs in.
        member_context, member = _phone(browser)
        _log_in(member, live_server, "member", f"/study/sign/{session.sign_token}/")
        member.click("button:text-is('签到')")
        expect(member.locator("#sign-done")).to_be_visible()
        member.goto(f"{live_server.url}/me/")
        expect(member.locator("#my-sessions")).to_contain_text("学习党章")
        member_context.close()

        # The secretary's list shrinks by that member.
        phone.goto(f"{live_server.url}{REACH}")
        expect(listed).to_have_count(1)
        expect(phone.locator("#not-reached")).not_to_contain_text("张三")
        # 陈老 is frail: a 送学上门 session is planned from the list.
        row = phone.locator("#not-reached tr[data-code='P-A4']")
        row.locator("input[name=on]").fill("2023-10-18")
        row.locator("button:text-is('安排送学上门')").click()
        expect(phone.locator("main")).to_contain_text("已安排 2023-10-18 为 陈老 送学上门")
        expect(phone.locator("#not-reached tr[data-code='P-A4']")).to_contain_text("已安排")
        context.close()
    planned = StudySession.objects.get(form=StudyForm.AT_HOME)
    assert list(planned.attendees.values_list("code", flat=True)) == ["P-A4"]
    assert planned.held_on == dt.date(2023, 10, 18)
    assert sorted(session.attendees.values_list("code", flat=True)) == ["P-A1", "P-A3"]
