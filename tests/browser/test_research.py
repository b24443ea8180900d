"""Issue 11, done when: a browser test registers a trip that crowds another and sees the
warning before saving — as the fields change, then on saving — and saving anyway records
who confirmed it."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, write
from taizhang.core.models import AuditEntry
from taizhang.research.models import ResearchTrip

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registering_a_crowding_trip_warns_before_saving(page, live_server, users, district):
    write("people", [{"code": "L-2", "name": "钱区长", "org": "QSH", "is_leader": "是"}])
    write("research_categories", [{"code": "LX-01", "name": "营商环境"}])
    write(
        "research_topics",
        [
            {"code": "XT-1", "name": "优化营商环境", "category": "LX-01", "lead": "L-1"},
            {"code": "XT-2", "name": "网格化治理", "category": "LX-01", "lead": "L-1"},
        ],
    )
    write(
        "research_trips",
        [
            {
                "code": "DY-1",
                "topic": "XT-1",
                "leader": "L-1",
                "starts_at": "2023-10-09 09:00",
                "ends_at": "2023-10-09 17:00",
                "target": "QSH-A-1",
            }
        ],
    )
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/research_trips/new/")
    page.fill("#id_code", "DY-2")
    page.fill("#id_topic", "XT-2")
    page.fill("#id_leader", "L-2")
    page.fill("#id_starts_at", "2023-10-12T09:00")
    page.fill("#id_ends_at", "2023-10-12T12:00")
    target = page.locator("#id_target")
    target.fill("湖坊")
    expect(page.locator("#pick-target option[value='QSH-A-1']")).to_have_count(1)
    target.fill("QSH-A-1")
    target.dispatch_event("change")
    live = page.locator("#live-check")
    expect(live).to_contain_text("与 赵书记 10月9日 调研同一对象，间隔 3 天")
    assert not ResearchTrip.objects.filter(code="DY-2").exists()
    page.click("button:text-is('保存')")
    expect(page.locator("main .alert-warning").first).to_contain_text("扎堆调研")
    assert not ResearchTrip.objects.filter(code="DY-2").exists()
    page.click("button:text-is('仍然保存')")
    expect(page.locator("main")).to_contain_text("已保存")
    assert ResearchTrip.objects.filter(code="DY-2").exists()
    entry = AuditEntry.objects.get(action="core.warnings.confirmed", object_key="DY-2")
    assert entry.actor_id == users.office.pk
    page.goto(f"{live_server.url}/research/")
    expect(page.locator("#conflict-total")).to_contain_text("共 1 组")
