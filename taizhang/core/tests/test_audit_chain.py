"""The audit proves itself: each entry is chained to the one before by a hash, `taizhang
audit verify` finds a changed, removed or inserted entry, and on PostgreSQL the table
refuses UPDATE and DELETE whoever asks."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from conftest import write
from taizhang.core.audit import audit_verify
from taizhang.core.models import AuditEntry


@pytest.fixture
def trail(district):
    write("people", [{"code": "P-C1", "name": "甲", "org": "QSH-A-1"}])
    write("people", [{"code": "P-C1", "name": "甲改"}], mode="update")
    count, problems = audit_verify()
    assert problems == [] and count == AuditEntry.objects.count() > 5
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_passes_and_the_command_says_so(trail, capsys):
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out


def test_a_changed_or_removed_entry_is_refused_or_found(trail):
    """PostgreSQL refuses the change itself (a trigger); on SQLite, which has none, the
    chain finds it."""
    middle = trail[len(trail) // 2]
    if connection.vendor == "postgresql":
        for sql in (
            "UPDATE core_auditentry SET actor_name = 'x' WHERE id = %s",
            "DELETE FROM core_auditentry WHERE id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                _raw(sql, [middle])
        assert audit_verify()[1] == []
        return
    _raw("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["某人", middle])
    assert any(f"第 {middle} 条" in p and "修改" in p for p in audit_verify()[1])
    _raw("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["系统", middle])
    assert audit_verify()[1] == []
    _raw("DELETE FROM core_auditentry WHERE id = %s", [middle])
    assert any("删除或插入" in p for p in audit_verify()[1])
    with pytest.raises(SystemExit) as exit_code:
        call_command("audit", "verify")
    assert exit_code.value.code == 1


def test_an_inserted_entry_breaks_the_chain(trail):
    entry = AuditEntry.objects.order_by("id").last()
    forged = AuditEntry(
        at=entry.at,
        actor_name="伪造",
        action="update",
        ledger="people",
        object_key="P-C1",
        prev_hash=entry.hash,
        hash="f" * 64,
    )
    forged.save()
    assert any("修改" in p for p in audit_verify()[1])
