"""Inserting many rows at the speed of the database.

Django's bulk_create prepares every value through several layers; for a 40,000-row
import that was 60% of the time (see docs/benchmarks.md). Here each field's database
preparation is chosen once, and rows go to one executemany per table."""

import orjson
from django.db import connection, models

CHUNK = 500
READ_CHUNK = 2000  # keys per IN (…) when reading stored rows back
# Field types whose Python values the drivers take as they are.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _preparer(field):
    if isinstance(field, _PLAIN) and not isinstance(field, models.AutoField):
        return None
    if isinstance(field, models.JSONField):
        # The audit's before/after: already plain JSON values; skip Django's layers.
        # orjson, not Django's json layers: the audit of a 40,000-row import writes
        # 80,000 of these (same JSON, UTF-8 instead of \u escapes).
        if connection.vendor == "postgresql" and field.encoder is None:
            from psycopg.types.json import Jsonb

            def adapt(value):
                return None if value is None else Jsonb(value, dumps=_orjson_text)

            return adapt
        if field.encoder is None:
            return lambda value: None if value is None else _orjson_text(value)
        adapt_json = connection.ops.adapt_json_value  # once: `connection` is a proxy
        return lambda value: None if value is None else adapt_json(value, field.encoder)
    last = [object(), None]  # one write stamps every row with the same time: prepare it once

    def prepare(value):
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return prepare


def _orjson_text(value) -> str:
    return orjson.dumps(value).decode()


def new_instances(model, count: int) -> list:
    """Unsaved instances holding each field's default, made without Model.__init__ (which
    costs more than the INSERT itself when a 40,000-row import creates its rows)."""
    fields = model._meta.concrete_fields
    constant = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    # A callable default (list, dict, …) is called for each instance, as Django does.
    per_instance = [f for f in fields if callable(f.default)]
    made = []
    for _ in range(count):
        obj = model.__new__(model)
        obj.__dict__.update(constant)
        for field in per_instance:
            obj.__dict__[field.attname] = field.get_default()
        obj._state = models.base.ModelState()
        made.append(obj)
    return made


def insert_values(model, field_names: list[str], rows: list[tuple]) -> None:
    """INSERT Python values (in `field_names` order), prepared per field as Django would."""
    fields = [model._meta.get_field(name) for name in field_names]
    preparers = [_preparer(f) for f in fields]
    if any(preparers):
        rows = [
            tuple(
                v if prepare is None else prepare(v)
                for v, prepare in zip(row, preparers, strict=True)
            )
            for row in rows
        ]
    insert_rows(model, rows, fields)


def insert_rows(model, rows: list[tuple], fields: list) -> None:
    """INSERT raw value tuples (in `fields` order) with one executemany."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def insert_objects(model, objs: list, *, key_attr: str | None = None) -> None:
    """Insert unsaved model instances; with `key_attr` (a unique field) their primary keys
    are read back and set."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    preparers = [_preparer(f) for f in fields]
    attnames = [f.attname for f in fields]
    rows = [
        tuple(
            getattr(obj, name) if prepare is None else prepare(getattr(obj, name))
            for name, prepare in zip(attnames, preparers, strict=True)
        )
        for obj in objs
    ]
    insert_rows(model, rows, fields)
    if key_attr is None:
        return
    by_key = {getattr(obj, key_attr): obj for obj in objs}
    keys = list(by_key)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for key, pk in model.objects.filter(**{f"{key_attr}__in": chunk}).values_list(
            key_attr, "pk"
        ):
            obj = by_key[key]
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def stored_instance(model, fields: dict, alias: str):
    """An instance of a stored row from its field values (read by Ledger.stored), made
    without Model.__init__ (what makes in_bulk slow for a 40,000-row correction file).
    `alias` is read once by the caller: `connection` is a per-thread proxy."""
    obj = model.__new__(model)
    obj.__dict__.update(fields)
    obj._state = models.base.ModelState()
    obj._state.adding = False
    obj._state.db = alias
    return obj


def update_changed(model, changed: list[tuple[object, dict]], *, always=("updated_at",)) -> int:
    """UPDATE only the columns whose values differ from each row's snapshot, grouped by
    the set of changed columns, one executemany per group. Returns rows written."""
    groups: dict[tuple[str, ...], list] = {}
    attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    for obj, before in changed:
        # Fields not in the snapshot were not read (the timestamps): never compared.
        names = tuple(
            name
            for name in attnames
            if name in always or (name in before and obj.__dict__.get(name) != before[name])
        )
        groups.setdefault(names, []).append(obj)
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    written = 0
    for names, objs in groups.items():
        fields = [model._meta.get_field(_field_name(model, n)) for n in names]
        preparers = [_preparer(f) for f in fields]
        sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        rows = [
            (
                *(
                    getattr(obj, f.attname) if p is None else p(getattr(obj, f.attname))
                    for f, p in zip(fields, preparers, strict=True)
                ),
                obj.pk,
            )
            for obj in objs
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), CHUNK * 10):
                cursor.executemany(
                    f"UPDATE {table} SET {sets} WHERE {pk_column} = %s",
                    rows[start : start + CHUNK * 10],
                )
        written += len(rows)
    return written


def _field_name(model, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    raise LookupError(attname)


ANALYZE_AFTER = 1000  # rows written in one go after which the planner's statistics are renewed


def analyze(models_written) -> None:
    """Renew the planner's statistics of tables a large write changed. Right after a bulk
    load PostgreSQL has none: it expects a couple of rows per table and plans the
    district's list as 1,126 nested loops (1.3-1.8 s a request instead of ~20 ms)."""
    # On PostgreSQL VACUUM too (outside a transaction only): it sets the visibility map,
    # so that counting a user's rows is an index-only scan of the partial index.
    vacuum = connection.vendor == "postgresql" and connection.get_autocommit()
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for model in models_written:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
