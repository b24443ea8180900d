"""Issue 9, done when: the office creates the weekly series and records a meeting whose
decision becomes a work group's task; the org admin reports progress from a phone-sized
page; past the due date the task is red on the battle map and listed in 周调度; a
written prompt to 基层党组织 is signed by one branch and unsigned for another."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import PASSWORD, write
from taizhang.accounts.services import user_create
from taizhang.dispatch.models import Task

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _page(browser, live_server, username, *, phone=False):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=size)
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, username, PASSWORD)
    return context, page


def test_cadence_and_dispatch(browser, live_server, users, district):
    write("work_groups", [{"code": "WG-A", "name": "检视整改组", "leader": "L-1"}])
    user_create(
        actor=None,
        username="branch-a1",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-A-1"],
    )
    user_create(
        actor=None,
        username="branch-b1",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-B-1"],
    )
    with time_machine.travel(dt.datetime(2023, 10, 16, 10, tzinfo=SHANGHAI)) as traveller:
        context, page = _page(browser, live_server, "office")
        page.goto(f"{live_server.url}/dispatch/series/")
        page.fill("#code", "S-BGS")
        page.fill("#title", "主题教育办公室例会")
        page.select_option("#kind", "办公室例会")
        page.fill("#org", "QSH")
        page.select_option("#frequency", "每周")
        page.select_option("#weekday", "星期一")
        page.fill("#time", "14:30")
        page.fill("#start", "2023-09-18")
        page.fill("#until", "2023-11-27")
        page.click("button:text-is('保存会议系列')")
        row = page.locator("tr[data-occurrence='2023-10-16 14:30']")
        row.locator("button:text-is('登记为会议')").click()
        expect(page.locator("main")).to_contain_text("已登记为会议")
        page.locator("tr[data-occurrence='2023-10-16 14:30'] a:text-is('会议决定转任务')").click()
        page.fill("#decisions", "制定检视问题整改方案")
        page.select_option("#work_group", "WG-A")
        page.fill("#org", "QSH-A")
        page.fill("#due_on", "2023-10-25")
        page.click("button:text-is('生成任务')")
        expect(page.locator("main")).to_contain_text("已由会议决定生成任务 1 项")
        task = Task.objects.get()
        assert task.source_meeting.code == "S-BGS-20231016" and task.work_group.code == "WG-A"
        context.close()

        # The org admin of 湖坊镇党委 reports from a phone.
        context, phone = _page(browser, live_server, "allowed", phone=True)
        phone.goto(f"{live_server.url}/dispatch/tasks/{task.code}/report/")
        phone.fill("#text", "已召开党委会研究整改方案")
        phone.fill("#percent", "40")
        phone.click("button:text-is('报送进展')")
        expect(phone.locator("#task-progress")).to_have_text("40%")
        expect(phone.locator("#task-status")).to_have_text("进行中")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        context.close()

        # Past the due date: red on the battle map, listed in 周调度.
        traveller.move_to(dt.datetime(2023, 11, 1, 10, tzinfo=SHANGHAI))
        context, page = _page(browser, live_server, "office")
        page.goto(f"{live_server.url}/dispatch/")
        bar = page.locator(f"[data-task='{task.code}']")
        expect(bar).to_have_attribute("data-colour", "red")
        expect(bar).to_have_class(re.compile("bm-red"))
        page.goto(f"{live_server.url}/dispatch/weekly/")
        expect(page.locator("#weekly-overdue")).to_contain_text("制定检视问题整改方案")
        # The battle map prints on one A3 landscape sheet.
        page.goto(f"{live_server.url}/dispatch/")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert (
            pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>>") + pdf.count(b"/Type /Page ")
            >= 1
        )
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages == 1, pages

        write(
            "prompts",
            [
                {
                    "code": "TS-1",
                    "title": "关于扎实开展支部集中学习的工作提示",
                    "tier": "基层党组织",
                    "form": "书面",
                    "issued_on": "2023-11-01",
                    "body": "请各党支部认真组织集中学习。",
                }
            ],
            actor=users.office,
        )
        context.close()
        context, branch = _page(browser, live_server, "branch-a1", phone=True)
        branch.goto(f"{live_server.url}/dispatch/inbox/")
        branch.locator("#pending button:text-is('签收')").first.click()
        expect(branch.locator("main")).to_contain_text("已签收")
        context.close()
        context, page = _page(browser, live_server, "office")
        page.goto(f"{live_server.url}/dispatch/prompts/TS-1/")
        unsigned = page.locator("#unsigned")
        expect(unsigned).to_contain_text("QSH-B-1")
        expect(unsigned).not_to_contain_text("QSH-A-1")
        context.close()
