"""The write service's raw executemany path writes what Django would write: for every
registered ledger, a row written by the engine and the same values saved by Django's
Model.save() hold identical column values; and a system check refuses a ledger model
with a field that path cannot prepare."""

import copy

import pytest
from django.core import checks
from django.db import connection, models

from taizhang.core.checks import raw_insert_guard
from taizhang.core.examples import example_write
from taizhang.core.ledger import registry

SKIPPED = {"id", "created_at", "updated_at"}


def _raw_row(model, pk) -> dict:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.mark.parametrize("ledger_name", list(registry))
def test_engine_rows_equal_djangos(district, ledger_name):
    ledger = registry[ledger_name]
    key = example_write(ledger_name, "QSH-A-1")
    ours = ledger.model.objects.get(**{ledger.key.attr: key})
    theirs = copy.copy(ours)
    theirs.pk = None
    theirs._state = models.base.ModelState()
    key_value = (
        f"{key}Z"
        if ledger.key.max_length is None or len(key) < ledger.key.max_length
        else key[:-1] + "Z"
    )
    setattr(theirs, ledger.key.attr, key_value)
    if ledger.tree:
        theirs.path = theirs.scope_path = ours.path[:-1] + "9."
    # Unique secrets the ledger derives (a session's sign-in code) cannot be copied.
    derived = {
        f.attname
        for f in ledger.model._meta.concrete_fields
        if f.unique and f.null and f.attname != ledger.key.attr
    }
    for name in derived:
        setattr(theirs, name, None)
    theirs.save()
    a, b = _raw_row(ledger.model, ours.pk), _raw_row(ledger.model, theirs.pk)
    skipped = (
        SKIPPED | {ledger.key.attr, "path", "scope_path"}
        if ledger.tree
        else SKIPPED | {ledger.key.attr}
    )
    differ = {k: (a[k], b[k]) for k in a if k not in skipped | derived and a[k] != b[k]}
    assert differ == {}


def test_a_field_the_raw_path_cannot_prepare_is_refused(monkeypatch):
    ledger = registry["notes"]
    field = ledger.model._meta.get_field("noted_on")
    monkeypatch.setattr(field, "auto_now", True)
    errors = raw_insert_guard(None)
    assert any(e.id == "taizhang.E006" and "noted_on" in e.msg for e in errors)
    assert all(isinstance(e, checks.Error) for e in errors)


def test_the_guard_passes_for_every_registered_ledger():
    assert raw_insert_guard(None) == []
