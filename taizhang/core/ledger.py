"""Declaring a ledger once: its columns (with the Chinese headers of LEDGERS.md), key,
enumerations, references and scope. Pages, API, import and export are derived from it."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from . import cells
from .cells import CellError

ALL_READERS = frozenset({"admin", "office", "leader", "org_admin", "inspector"})
ORG_WRITERS = frozenset({"admin", "office", "org_admin"})


@dataclass
class Column:
    """One column of a ledger.

    kind: text · code · int · percent · date · datetime · bool · choice · choices (several
    of an enumeration) · ref (another ledger's key) · refs (several keys) · anyref (the key
    of any of several ledgers, e.g. an 组织编码 or a 统一社会信用代码; `ref` is then a
    tuple and the code is stored as text)."""

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    attr: str | None = None
    choices: list[str] | None = None
    ref: str | tuple[str, ...] | None = None
    default: object = None
    max_length: int | None = None
    check: Callable[[object], object] | None = None  # normalises or raises CellError
    help: str = ""

    def __post_init__(self):
        self.attr = self.attr or self.field

    @property
    def targets(self) -> tuple[str, ...]:
        """The ledgers whose keys this column may hold."""
        return (self.ref,) if isinstance(self.ref, str) else tuple(self.ref or ())

    @property
    def many(self) -> bool:
        return self.kind in ("refs", "choices")

    def parse(self, raw):
        """A raw cell (or form / JSON value) to the canonical value of this column."""
        value = _PARSERS[self.kind](self, raw)
        if self.max_length and isinstance(value, str) and len(value) > self.max_length:
            raise CellError(f"长度超过 {self.max_length} 个字符")
        if self.is_empty(value):
            return value if self.default is None else self.default
        if self.check:
            value = self.check(value)
        return value

    def is_empty(self, value) -> bool:
        return value in ("", None, [])

    def display(self, value) -> str:
        """The value as a spreadsheet or a page shows it."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        if isinstance(value, dt.datetime):
            return value.astimezone(cells.SHANGHAI).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def jsonable(self, value):
        if isinstance(value, dt.datetime):
            return value.astimezone(cells.SHANGHAI).isoformat(timespec="minutes")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


def _parse_choices(column: Column, raw) -> str:
    if cells.is_blank(raw):
        return ""
    picked = {cells.parse_choice(item, column.choices) for item in cells.split_multi(raw)}
    return "、".join(c for c in column.choices if c in picked)


_PARSERS = {
    "text": lambda c, raw: cells.parse_text(raw),
    "code": lambda c, raw: cells.parse_code(raw),
    "int": lambda c, raw: cells.parse_int(raw),
    "percent": lambda c, raw: cells.parse_int(raw, low=0, high=100, percent=True),
    "date": lambda c, raw: cells.parse_date(raw),
    "datetime": lambda c, raw: cells.parse_datetime(raw),
    "bool": lambda c, raw: cells.parse_bool(raw),
    "choice": lambda c, raw: cells.parse_choice(raw, c.choices),
    "choices": _parse_choices,
    "ref": lambda c, raw: cells.parse_code(raw),
    "anyref": lambda c, raw: cells.parse_code(raw),
    "refs": lambda c, raw: sorted(
        {code for code in map(cells.parse_code, cells.split_multi(raw)) if code}
    ),
}


@dataclass
class Stored:
    """A stored row as the write service compares it: canonical values, no model instance."""

    pk: int
    archived_at: object
    scope_path: str
    values: dict


class Ledger:
    """A ledger declaration. Subclasses set the class attributes and may override hooks."""

    name: str = ""
    title: str = ""
    model: type[models.Model]
    columns: list[Column] = []
    read_roles: frozenset = ALL_READERS
    write_roles: frozenset = ORG_WRITERS
    # The lookup from a row to the materialized path of its scope organization;
    # None for district-wide reference lists that every reader sees.
    scope_path: str | None = "org__path"
    search_fields: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()
    default_order: str = "pk"

    @property
    def key(self) -> Column:
        return self.columns[0]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    def filter_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind in ("choice", "choices", "bool")]

    # -- reading rows -------------------------------------------------------------------

    def related(self) -> tuple[list[str], list[str]]:
        """select_related and prefetch_related paths that make `values()` query-free."""
        select = [c.attr for c in self.columns if c.kind == "ref"]
        prefetch = [c.attr for c in self.columns if c.kind == "refs"]
        return select, prefetch

    def queryset(self):
        select, prefetch = self.related()
        return self.model.objects.select_related(*select).prefetch_related(*prefetch)

    def values(self, obj) -> dict[str, object]:
        """The canonical value of every column, as parsing a cell would give it."""
        row = {}
        for column in self.columns:
            value = getattr(obj, column.attr)
            if column.kind == "ref":
                target = registry[column.ref]
                value = getattr(value, target.key.attr) if value is not None else ""
            elif column.kind == "refs":
                target = registry[column.ref]
                value = sorted(getattr(v, target.key.attr) for v in value.all())
            elif value is None and column.kind in ("text", "code", "choice", "choices"):
                value = ""
            row[column.field] = value
        return row

    def stored(self, keys: list[str]) -> dict[str, "Stored"]:
        """The stored rows with these keys, read as plain values (no model instances:
        an import of 40,000 rows compares against them)."""
        lookups = []
        for column in self.columns:
            if column.kind == "ref":
                lookups.append(f"{column.attr}__{registry[column.ref].key.attr}")
            elif column.kind != "refs":
                lookups.append(column.attr)
        plain = [c for c in self.columns if c.kind != "refs"]
        found: dict[str, Stored] = {}
        by_pk: dict[int, Stored] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self.model.objects.filter(**{f"{self.key.attr}__in": chunk}).values_list(
                "pk", "archived_at", self.scope_path or "pk", *lookups
            )
            for pk, archived_at, scope_path, *values in rows:
                row = {}
                for column, value in zip(plain, values, strict=True):
                    if value is None and column.kind in (
                        "text",
                        "code",
                        "choice",
                        "choices",
                        "ref",
                    ):
                        value = ""
                    row[column.field] = value
                stored = Stored(pk, archived_at, str(scope_path), row)
                found[row[self.key.field]] = by_pk[pk] = stored
        for column in (c for c in self.columns if c.kind == "refs"):
            relation = getattr(self.model, column.attr)
            source = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            for stored in found.values():
                stored.values[column.field] = []
            pks = list(by_pk)
            for start in range(0, len(pks), 500):
                links = relation.through.objects.filter(
                    **{f"{source}_id__in": pks[start : start + 500]}
                )
                for pk, code in links.values_list(
                    f"{source}_id", f"{target}__{registry[column.ref].key.attr}"
                ):
                    by_pk[pk].values[column.field].append(code)
            for stored in found.values():
                stored.values[column.field].sort()
        return found

    def changes(self, before: dict, after: dict) -> list[tuple[str, str, str]]:
        """(header, old, new) of each column that differs, as a page shows them."""
        return [
            (c.header, c.display(before.get(c.field)), c.display(after.get(c.field)))
            for c in self.columns
            if before.get(c.field) != after.get(c.field)
        ]

    def key_of(self, obj) -> str:
        return getattr(obj, self.key.attr)

    # -- hooks for the write service (see core/ledger_write.py) --------------------------

    def check_row(self, row: dict, ctx) -> list[tuple[str, str]]:
        """Rules across the columns of one row: [(field, message)]."""
        return []

    def check_batch(self, rows: list, ctx) -> list[tuple[int, str, str]]:
        """Rules across rows (cycles, …): [(index in rows, field, message)]."""
        return []

    def scope_org_id(self, row: dict, ctx) -> int | None:
        """The organization that scopes this row (None: the district root)."""
        return None

    def scope_path_of(self, row: dict, ctx) -> str | None:
        """The materialized path a writer must hold a grant over to write this row."""
        return ctx.paths.get(self.scope_org_id(row, ctx) or ctx.root_id)

    def scope_column(self) -> Column:
        """The column blamed when a row lies outside the writer's scope."""
        return next((c for c in self.columns if c.kind == "ref" and c.ref == "orgs"), self.key)

    def prepare(self, obj, row: dict, ctx) -> None:
        """Set derived fields before the object is written."""

    def related_links(self, obj) -> list[tuple[str, str]]:
        """(label, URL) of other rows a detail page should lead to."""
        return []

    def archive_blocker(self, obj) -> str | None:
        """Why this row may not be archived now (in Chinese), or None."""
        return None

    def after_write(self, objs: list, ctx) -> None:
        """Run inside the write transaction once every row is saved."""


registry: dict[str, Ledger] = {}


def register(cls: type[Ledger]) -> type[Ledger]:
    """Class decorator: one instance of each declaration serves the whole process."""
    registry[cls.name] = cls()
    return cls


def get_ledger(name: str) -> Ledger:
    try:
        return registry[name]
    except KeyError:
        raise LookupError(f"没有名为“{name}”的台账（可选：{'、'.join(registry)}）") from None
