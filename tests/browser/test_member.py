"""A member signs in and sees their own page and nothing that leads to 无权访问."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.accounts.models import User
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_sees_only_their_own_page(page, live_server, users):
    User.objects.filter(pk=users.member.pk).update(person=Person.objects.get(code="P-A1"))
    log_in(page, live_server, "member", PASSWORD)
    nav = page.locator("#nav .nav-link")
    labels = nav.all_inner_texts()
    assert "我的" in labels and not {"调度", "统计", "用户管理", "审计"} & set(labels)
    for href in [nav.nth(i).get_attribute("href") for i in range(nav.count())]:
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, href
        expect(page.locator("body")).not_to_contain_text("无权访问")
    page.goto(f"{live_server.url}/")
    page.locator("#nav .nav-link:text-is('我的')").click()
    expect(page.locator("h1")).to_have_text("我的")
    expect(page.locator("main")).to_contain_text("湖坊村党支部")
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).not_to_contain_text("尚无可查看的数据")
