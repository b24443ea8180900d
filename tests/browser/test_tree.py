"""Finding rows by the org tree: down a level (children loaded when opened), into a
branch, and back up by the trail."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_down_the_tree_and_back_up(page, live_server, users):
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/")
    tree = page.locator(".tree-panel")
    expect(tree.locator(".tree-node.current > a")).to_have_text("青山湖区委")
    expect(tree).not_to_contain_text("湖坊村党支部")  # not loaded until opened
    tree.locator("button[aria-label='展开 湖坊镇党委']").click()
    expect(tree).to_contain_text("湖坊村党支部")
    tree.locator("a:has-text('湖坊村党支部')").click()
    page.wait_for_url("**/ledgers/people/?org=QSH-A-1")
    expect(page.locator(".tree-node.current > a")).to_have_text("湖坊村党支部")
    expect(page.locator("#ledger-table tbody")).to_contain_text("张三")
    expect(page.locator("#ledger-table tbody")).not_to_contain_text("李四")
    page.locator(".tree-trail a:has-text('湖坊镇党委')").click()
    page.wait_for_url("**/ledgers/people/?org=QSH-A")
    expect(page.locator(".tree-node.current > a")).to_have_text("湖坊镇党委")
    page.locator(".tree-trail a:has-text('青山湖区委')").click()
    page.wait_for_url("**/ledgers/people/?org=QSH")
    expect(page.locator("#ledger-table tbody")).to_contain_text("李四")
