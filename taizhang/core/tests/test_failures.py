"""Writes that fail honestly: a failure anywhere in a write leaves nothing written, a bug
surfaces as a 500 with an error id (never "数据刚被他人修改"), a value too long for its
column is a Chinese field error — on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from conftest import write
from taizhang.core import audit
from taizhang.core import ledger_write as write_module
from taizhang.core.ledger import registry
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Person, WorkGroup

PEOPLE = registry["people"]


class Injected(RuntimeError):
    pass


def _boom(*args, **kwargs):
    raise Injected("injected failure")


def _nothing_written(before_people: int, before_audit: int):
    assert Person.objects.count() == before_people
    assert AuditEntry.objects.count() == before_audit


@pytest.mark.parametrize(
    "where",
    ["audit insert", "many-valued links", "after_write hook", "prepare hook", "update"],
)
def test_a_failure_in_the_middle_of_a_write_writes_nothing(district, monkeypatch, where):
    people, entries = Person.objects.count(), AuditEntry.objects.count()
    links = WorkGroup.members.through.objects.count()
    if where == "audit insert":
        monkeypatch.setattr(write_module, "audit_insert", _boom)
    elif where == "many-valued links":
        monkeypatch.setattr(write_module, "insert_objects", _fail_for_links())
    elif where == "after_write hook":
        monkeypatch.setattr(type(PEOPLE), "after_write", _boom)
    elif where == "prepare hook":
        monkeypatch.setattr(type(PEOPLE), "prepare", _fail_on_second())
    else:
        monkeypatch.setattr(write_module, "update_changed", _boom)
    rows = [
        (2, {"code": "P-N1", "name": "新一", "org": "QSH-A-1", "liaison_orgs": "QSH-A-2"}),
        (3, {"code": "P-N2", "name": "新二", "org": "QSH-A-2"}),
        (4, {"code": "P-A1", "name": "张三改", "org": "QSH-A-1", "liaison_orgs": "QSH-A-1"}),
    ]
    with pytest.raises(Injected):
        write_module.ledger_write(ledger=PEOPLE, actor=None, rows=rows)
    _nothing_written(people, entries)
    assert Person.objects.get(code="P-A1").name == "张三"
    assert not Person.objects.get(code="P-A1").liaison_orgs.exists()
    assert WorkGroup.members.through.objects.count() == links


def _fail_for_links():
    real = write_module.insert_objects

    def insert(model, objs, **kwargs):
        if model._meta.auto_created:  # a many-to-many through table
            raise Injected("injected failure")
        return real(model, objs, **kwargs)

    return insert


def _fail_on_second():
    calls = []

    def prepare(self, obj, row, ctx):
        calls.append(row["code"])
        if len(calls) == 2:
            raise Injected("injected failure")
        obj.name_initials = ""

    return prepare


def test_an_integrity_error_that_is_not_a_key_race_surfaces(district, monkeypatch):
    """Retrying would hide a bug behind "数据刚被他人修改"; it must surface instead."""
    calls = []

    def broken(self, changes, ctx):
        calls.append(1)
        raise IntegrityError("a constraint the checks do not know")

    monkeypatch.setattr(type(PEOPLE), "after_write", broken)
    people, entries = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(IntegrityError):
        write("people", [{"code": "P-NEW", "name": "新", "org": "QSH-A-1"}])
    assert calls == [1]  # not retried
    _nothing_written(people, entries)


def test_a_bug_is_a_500_with_an_error_id_on_the_page_and_the_api(
    client_for, users, monkeypatch, caplog
):
    monkeypatch.setattr(type(PEOPLE), "after_write", _boom)
    client = client_for(users.allowed)
    client.raise_request_exception = False
    page = client.post(
        reverse("ledger-create", args=["people"]),
        {"code": "P-X", "name": "某", "org": "QSH-A-1", "is_leader": "否", "is_member": "是"},
    )
    assert page.status_code == 500
    text = page.content.decode()
    assert "错误编号" in text and "Traceback" not in text and "Injected" not in text
    error_id = page.wsgi_request.error_id
    assert error_id in text and any(error_id in r.getMessage() for r in caplog.records)
    api = client.post(
        "/api/v1/people/",
        {"code": "P-Y", "name": "某", "org": "QSH-A-1"},
        content_type="application/json",
    )
    assert api.status_code == 500 and api.json()["error_id"] in api.json()["errors"][0]["message"]
    assert not Person.objects.filter(code__in=["P-X", "P-Y"]).exists()


def test_a_value_too_long_for_its_column_is_a_field_error(client_for, users):
    """Lengths come from the model fields (notes.code is 32 characters): no DataError."""
    client = client_for(users.allowed)
    response = client.post(
        "/api/v1/notes/",
        {"code": "N" * 33, "org": "QSH-A-1", "noted_on": "2023-10-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "code", "message": "长度超过 32 个字符"}]
    long_name = client.post(
        "/api/v1/people/",
        {"code": "P-L", "name": "名" * 65, "org": "QSH-A-1"},
        content_type="application/json",
    )
    assert long_name.json()["errors"] == [{"field": "name", "message": "长度超过 64 个字符"}]


def test_every_column_has_the_length_of_its_model_field():
    for ledger in registry.values():
        for column in ledger.columns:
            field = ledger.model._meta.get_field(column.attr)
            limit = getattr(field, "max_length", None)
            if limit and column.kind.name not in ("ref", "refs"):
                assert column.max_length is not None and column.max_length <= limit, (
                    ledger.name,
                    column.field,
                )


def test_audit_labels_name_dotted_actions():
    assert audit.action_label("core.attachment.stored") == "上传附件"
