"""Batch work on a list page: the rows picked (or every row the filter matches), a page
that says how many and asks, then one audited write, all or nothing, through the doors."""

from django.urls import reverse

from conftest import write
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Person


def _batch(client, **data):
    return client.post(reverse("ledger-batch", args=["people"]), data)


def test_picked_rows_are_archived_after_a_confirmation_naming_the_count(client_for, users):
    client = client_for(users.allowed)
    asked = _batch(client, action="archive", keys=["P-A1", "P-A2"])
    assert (
        asked.status_code == 200
        and "将归档 <strong>2</strong> 条人员记录" in asked.content.decode()
    )
    assert Person.objects.filter(code__in=["P-A1", "P-A2"], archived_at=None).count() == 2
    done = _batch(client, action="archive", keys=["P-A1", "P-A2"], confirm="1")
    assert done.status_code == 302
    assert Person.objects.filter(code__in=["P-A1", "P-A2"], archived_at=None).count() == 0
    archived = AuditEntry.objects.filter(action="archive", ledger="people")
    assert sorted(archived.values_list("object_key", flat=True)) == ["P-A1", "P-A2"]
    back = _batch(client, action="restore", keys=["P-A1", "P-A2"], query="archived=1", confirm="1")
    assert back.status_code == 302
    assert Person.objects.filter(code__in=["P-A1", "P-A2"], archived_at=None).count() == 2


def test_a_batch_including_a_row_outside_write_scope_changes_nothing(client_for, users):
    from taizhang.accounts.services import grant_add

    # The inspector grant reads the sibling's row; only the org_admin grant writes.
    grant_add(
        actor=None,
        user=users.allowed,
        role="inspector",
        org=users.allowed.grants.first().org.parent,
    )
    client = client_for(type(users.allowed).objects.get(pk=users.allowed.pk))
    refused = _batch(client, action="archive", keys=["P-A1", "P-B1"], confirm="1")
    assert refused.status_code == 400 and "您无权修改其中 1 条（P-B1）" in refused.content.decode()
    assert Person.objects.filter(code__in=["P-A1", "P-B1"], archived_at=None).count() == 2


def test_rows_outside_read_scope_are_not_even_counted(client_for, users):
    asked = _batch(client_for(users.allowed), action="archive", keys=["P-B1"])
    assert "没有可归档的记录" in asked.content.decode()


def test_all_matching_rows_get_one_column_set_all_or_nothing(client_for, users):
    write("people", [{"code": f"P-S{i}", "name": f"批{i}", "org": "QSH-A-2"} for i in range(5)])
    client = client_for(users.allowed)
    data = dict(action="set", all_matching="1", query="org=QSH-A-2", field="title", value="村干部")
    asked = _batch(client, **data)
    wanted = Person.objects.filter(org__code="QSH-A-2", archived_at=None).count()
    assert f"将批量修改 <strong>{wanted}</strong> 条" in asked.content.decode()
    assert _batch(client, confirm="1", **data).status_code == 302
    assert set(Person.objects.filter(org__code="QSH-A-2").values_list("title", flat=True)) == {
        "村干部"
    }
    bad = dict(data, field="mobile", value="123", confirm="1")
    refused = _batch(client, **bad)
    assert refused.status_code == 400 and "不是 11 位手机号码" in refused.content.decode()
    assert not Person.objects.filter(mobile="123").exists()


def test_a_reader_exports_only_the_picked_rows_but_may_not_archive(client_for, users):
    import io

    import python_calamine

    client = client_for(users.inspector)
    export = _batch(client, action="export", keys=["P-A1", "P-B1"])
    assert export.status_code == 302
    book = client.get(export["Location"])
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(book.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sorted(r[0] for r in rows[1:]) == ["P-A1", "P-B1"]
    assert _batch(client, action="archive", keys=["P-A1"], confirm="1").status_code == 403
    assert Person.objects.get(code="P-A1").archived_at is None


def test_a_cap_on_rows_per_batch_is_said_and_nothing_is_done(client_for, users, settings):
    settings.BATCH_MAX_ROWS = 1
    client = client_for(users.allowed)
    refused = _batch(client, action="archive", keys=["P-A1", "P-A2"], confirm="1")
    assert "一次最多处理 1 条" in refused.content.decode()
    assert Person.objects.filter(code__in=["P-A1", "P-A2"], archived_at=None).count() == 2


def test_archived_rows_cannot_be_set_in_a_batch(client_for, users):
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_archive

    ledger_archive(ledger=registry["people"], actor=None, obj=Person.objects.get(code="P-A1"))
    client = client_for(users.allowed)
    data = dict(action="set", all_matching="1", query="archived=1", field="title", value="X")
    response = _batch(client, confirm="1", **data)
    assert response.status_code == 302
    person = Person.objects.get(code="P-A1")
    assert person.archived_at is not None and person.title != "X"


def test_an_export_of_picked_rows_records_which_rows(client_for, users):
    client = client_for(users.allowed)
    client.get(_batch(client, action="export", keys=["P-A1", "P-A2"])["Location"])
    entry = AuditEntry.objects.filter(action="core.export").latest("id")
    assert entry.after["picked"] == ["P-A1", "P-A2"] and entry.after["rows"] == 2
