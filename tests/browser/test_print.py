"""Printing a filtered list prints all of it: more than one sheet of paper, the title
once, 序号 running on across pages, the filter in words, page numbers."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import PASSWORD, write
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filtered_list_prints_whole_over_several_pages(page, live_server, users):
    write(
        "people",
        [{"code": f"P-PR{i:03d}", "name": f"打印{i}", "org": "QSH-A-2"} for i in range(120)],
    )
    wanted = Person.objects.filter(org__code="QSH-A-2", archived_at=None).count()
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/?org=QSH-A-2")
    with page.expect_popup() as popup:
        page.click("a:has-text('打印')")
    printed = popup.value
    printed.wait_for_load_state()
    text = printed.inner_text("body")
    assert "筛选条件：组织 QSH-A-2 何坊村党支部 及其下级" in text
    assert f"共 {wanted} 条" in text and "打印日期" in text
    numbers = [int(n) for n in printed.locator("td.n").all_inner_texts()]
    assert numbers == list(range(1, wanted + 1))  # the whole list, not one page of it

    pdf = PdfReader(io.BytesIO(printed.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) > 1
    pages = [re.sub(r"[ \t]+", " ", p.extract_text()) for p in pdf.pages]
    assert sum(t.count("人员台账") for t in pages) == 1  # the title once
    assert all(f"第 {i} 页，共 {len(pages)} 页" in t for i, t in enumerate(pages, start=1))
    # 序号 runs on: each page starts where the one before stopped.
    last = 0
    for t in pages:
        on_page = [int(n) for n in re.findall(r"(?m)^(\d+) P-", t)]
        assert (
            on_page
            and on_page[0] == last + 1
            and on_page == list(range(last + 1, last + 1 + len(on_page)))
        )
        last = on_page[-1]
    assert last == wanted


def test_printing_more_than_the_cap_says_so_above_the_table(page, live_server, users, settings):
    settings.PRINT_MAX_ROWS = 3
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/print/")
    total = Person.objects.filter(archived_at=None).count()
    assert f"共 {total} 条，超过打印上限，只打印前 3 条" in page.inner_text(".notice")
    assert page.locator("td.n").count() == 3


def test_print_and_export_follow_a_filter_set_on_the_page(page, live_server, users):
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/")
    page.select_option("select[name=f_is_leader]", label="是")
    expect(page.locator("#ledger-table")).to_contain_text("赵书记")
    expect(page.locator("#ledger-table")).not_to_contain_text("张三")
    for label in ("打印", "导出"):
        href = page.locator(f"a:text-is('{label}')").get_attribute("href")
        assert "f_is_leader=" in href, (label, href)
