"""The audit page for the security administrator and the auditor (三员分立): filters,
paging, an audited export with personal values masked, `taizhang audit export`, and
entries kept for good (older than the 180 days 等保 requires)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import write
from taizhang.accounts.models import Grant, User
from taizhang.core.audit import audit_record, entry_hash
from taizhang.core.models import AuditEntry, ImportPreview
from taizhang.core.spreadsheet import read_cells


@pytest.fixture
def auditor(district):
    user = User.objects.create(username="shenji", display_name="审计员")
    Grant.objects.create(user=user, role="auditor", org=district.orgs["QSH"])
    return user


def _old_entry(days: int) -> AuditEntry:
    """An entry recorded `days` ago (written as the chain would have, then)."""
    at = timezone.now() - dt.timedelta(days=days)
    last = AuditEntry.objects.order_by("-id").first()
    prev = last.hash if last else "0" * 64
    return AuditEntry.objects.create(
        at=at,
        actor_name="旧操作员",
        action="update",
        ledger="people",
        object_key="P-OLD",
        before={"title": "甲"},
        after={"title": "乙"},
        prev_hash=prev,
        hash=entry_hash(
            prev, at, "旧操作员", "update", "people", "P-OLD", {"title": "甲"}, {"title": "乙"}, ""
        ),
    )


def test_the_page_filters_by_actor_action_ledger_object_ip_and_dates(client, users, auditor):
    write("people", [{"code": "P-A1", "title": "组织委员"}], mode="update", actor=users.allowed)
    client.force_login(users.allowed)
    client.patch(
        "/api/v1/people/P-B1",
        {"title": "x"},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.44",
    )
    client.force_login(auditor)
    url = reverse("audit-list")
    page = client.get(url, {"actor": "allowed", "ledger": "people"})
    rows = page.context["page"].object_list
    assert {e.object_key for e in rows} == {"P-A1", "P-B1"}
    assert all(e.actor_name == "allowed" for e in rows)
    denied = client.get(url, {"action": "core.access.denied", "ip": "192.0.2"})
    assert [e.object_key for e in denied.context["page"].object_list] == ["P-B1"]
    assert "越权访问被拒绝" in denied.content.decode()
    assert [
        e.object_key
        for e in client.get(url, {"key": "P-A1", "action": "update"}).context["page"].object_list
    ] == ["P-A1"]
    today = timezone.localdate().isoformat()
    assert (
        client.get(url, {"from": today, "to": today}).context["page"].paginator.count
        == AuditEntry.objects.count()
    )
    assert client.get(url, {"to": "2000-01-01"}).context["page"].paginator.count == 0
    bad = client.get(url, {"from": "明天"})
    assert bad.status_code == 400 and "起始日期" in bad.content.decode()


def test_the_page_is_paged_and_masks_personal_values(client, users, auditor):
    write("people", [{"code": "P-A1", "mobile": "13900001111"}], mode="update")
    for n in range(60):
        audit_record(actor=None, action="update", ledger="people", key=f"P-N{n}", after={"n": n})
    client.force_login(auditor)
    first = client.get(reverse("audit-list"))
    total = AuditEntry.objects.count()
    assert total > 50 and first.context["page"].paginator.num_pages == (total + 49) // 50
    assert len(first.context["page"].object_list) == 50
    mobile = client.get(reverse("audit-list"), {"key": "P-A1"}).content.decode()
    assert "139****1111" in mobile and "13900001111" not in mobile
    assert "13800138000" not in mobile


def test_the_export_is_audited_masked_and_covers_old_entries(client, users, auditor):
    old = _old_entry(days=200)
    write("people", [{"code": "P-A1", "mobile": "13900001111"}], mode="update")
    client.force_login(auditor)
    response = client.get(reverse("audit-export"), {"ledger": "people"})
    cells = read_cells(b"".join(response.streaming_content), "audit.xlsx")
    ids = {row[0] for row in cells[1:]}
    assert (
        old.pk in ids
        and len(ids)
        == AuditEntry.objects.filter(ledger="people").exclude(action="core.audit.export").count()
    )
    text = repr(cells)
    assert "139****1111" in text and "13900001111" not in text
    (entry,) = AuditEntry.objects.filter(action="core.audit.export")
    assert entry.actor == auditor and entry.after["rows"] == len(ids)
    assert entry.after["filter"] == "台账：people"


def test_the_command_exports_a_date_range_in_clear(users, tmp_path, capsys):
    old = _old_entry(days=200)
    recent = audit_record(
        actor=None, action="update", ledger="people", key="P-A1", after={"mobile": "13900001111"}
    )
    target = tmp_path / "审计.xlsx"
    since = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
    call_command("audit", "export", str(target), "--from", since)
    cells = read_cells(target.read_bytes(), "审计.xlsx")
    ids = {row[0] for row in cells[1:]}
    assert {old.pk, recent.pk} <= ids and "13900001111" in repr(cells)
    until = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    call_command("audit", "export", str(target), "--to", until)
    assert {row[0] for row in read_cells(target.read_bytes(), "x.xlsx")[1:]} == {old.pk}
    assert "已导出 1 条审计记录" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="core.audit.export", via="命令行").count() == 2
    with pytest.raises(SystemExit) as refused:
        call_command("audit", "export", str(target), "--from", "不是日期")
    assert refused.value.code == 2


def test_nothing_the_application_runs_deletes_an_old_entry(client, users):
    """Retention: entries are never deleted (the stale-preview cleanup is the only
    delete an upload triggers; it touches previews only)."""
    old = _old_entry(days=400)
    ImportPreview.objects.create(
        token="x" * 32,
        user=users.allowed,
        ledger="people",
        filename="a.xlsx",
        content=b"",
        created_at=timezone.now() - dt.timedelta(days=400),
    )
    client.force_login(users.allowed)
    client.post(reverse("ledger-import", args=["people"]), {})
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    with pytest.raises(PermissionError):
        old.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=old.pk).delete()


def test_the_system_administrator_no_longer_reads_the_audit(client, users):
    client.force_login(users.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 404
    assert client.get(reverse("audit-list")).status_code == 403


def test_the_page_speaks_chinese_about_logins_grants_and_times(client, users, auditor):
    from taizhang.core.audit import audit_record

    audit_record(
        actor=None,
        action="login",
        ledger="users",
        key="allowed",
        after={
            "result": "密码错误",
            "locked_until": "2023-10-16T04:00:00+00:00",
            "role": "org_admin",
        },
    )
    client.force_login(auditor)
    page = client.get(reverse("audit-list"), {"key": "allowed"}).content.decode()
    assert "结果：（空） → 密码错误" in page
    assert "锁定至：（空） → 2023-10-16 12:00" in page  # Shanghai time
    assert "角色：（空） → 党组织管理员" in page
    assert "<td>账号</td>" in page
    for raw in ("result", "locked_until", "org_admin", "+00:00", "<td>users</td>"):
        assert raw not in page.split("<tbody")[1], raw
