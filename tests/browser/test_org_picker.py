"""Entering a person on the form, picking the organization from the tree picker."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_person_choosing_the_org_in_the_picker(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/new/")
    page.fill("#id_code", "P-PICK")
    page.fill("#id_name", "选组织")
    page.click("#id_org")
    results = page.locator(".picker-results")
    expect(results).to_contain_text("湖坊镇党委")  # the top of the user's scope
    expect(results).not_to_contain_text("京东")
    results.locator("button:has-text('下级')").first.click()  # open its children
    expect(results).to_contain_text("何坊村党支部")
    results.locator("[data-pick-code='QSH-A-2']").click()
    expect(page.locator("#id_org")).to_have_value("QSH-A-2")
    page.check("text=青年")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{live_server.url}/ledgers/people/P-PICK/")
    expect(page.locator("main")).to_contain_text("QSH-A-2")
    person = Person.objects.get(code="P-PICK")
    assert (person.org.code, person.kinds) == ("QSH-A-2", "青年")


def test_form_errors_are_shown_next_to_the_field(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/new/")
    page.fill("#id_code", "P-ERR")
    page.fill("#id_org", "QSH-A-1")
    page.fill("#id_mobile", "1380013800")
    page.click("button:has-text('保存')")
    expect(page.locator(".invalid-feedback")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("不是 11 位手机号码")
    expect(page.locator("main")).to_contain_text("必填，不能为空")
    assert not Person.objects.filter(code="P-ERR").exists()


def test_the_chosen_organization_is_named_under_the_picker(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/P-A1/edit/")
    expect(page.locator(".picker-chosen")).to_have_text("QSH-A-1 湖坊村党支部")
    page.fill("#id_org", "")
    page.type("#id_org", "何坊")
    page.locator(".picker-results [data-pick-code='QSH-A-2']").click()
    expect(page.locator("#id_org")).to_have_value("QSH-A-2")
    expect(page.locator(".picker-chosen")).to_have_text("何坊村党支部")
