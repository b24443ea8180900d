"""Batch work as a clerk does it: tick three rows, archive them in one go after a
confirmation naming the count, then bring them back from the archived list."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, write
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_rows_archived_in_one_batch_then_restored(page, live_server, users):
    write("people", [{"code": f"P-B{i}", "name": f"批处理{i}", "org": "QSH-A-1"} for i in range(3)])
    picked = ["P-B0", "P-B1", "P-B2"]
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/?q=批处理")
    for key in picked:
        page.check(f"input[name=keys][value='{key}']")
    expect(page.locator("[data-picked-count]")).to_have_text("已选择 3 条")
    page.click("button:has-text('归档所选')")
    expect(page.locator("#batch-summary")).to_contain_text("将归档 3 条人员记录")
    page.click("#batch-confirm")
    expect(page.locator(".alert-success")).to_contain_text("已归档 3 条人员记录")
    assert Person.objects.filter(code__in=picked, archived_at__isnull=False).count() == 3

    page.goto(f"{live_server.url}/ledgers/people/?archived=1")
    page.check("[data-pick-page]")  # the whole page: exactly the three archived rows
    expect(page.locator("[data-picked-count]")).to_have_text("已选择 3 条")
    page.click("button:has-text('恢复所选')")
    expect(page.locator("#batch-summary")).to_contain_text("将恢复 3 条人员记录")
    page.click("#batch-confirm")
    expect(page.locator(".alert-success")).to_contain_text("已恢复 3 条人员记录")
    assert Person.objects.filter(code__in=picked, archived_at=None).count() == 3


def test_numbered_pages_jump_and_page_size(page, live_server, users):
    write(
        "people", [{"code": f"P-G{i:03d}", "name": f"翻页{i}", "org": "QSH-A-1"} for i in range(65)]
    )
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/?q=翻页")
    page.click(".pager a:has-text('20')")
    expect(page.locator(".pager")).to_contain_text("第 1/4 页")
    page.click(".pagination a:text-is('3')")
    expect(page.locator(".pager")).to_contain_text("第 3/4 页")
    page.fill(".page-jump", "4")
    page.press(".page-jump", "Enter")
    expect(page.locator(".pager")).to_contain_text("第 4/4 页")
    expect(page.locator("tbody tr")).to_have_count(5)
