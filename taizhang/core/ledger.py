"""Declaring a ledger once: its columns (with the Chinese headers of LEDGERS.md), key,
enumerations, references, date and scope. Pages, API, import, export, figures and the
scope contract tests are derived from it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models.fields import PositiveIntegerRelDbTypeMixin

from .cells import CellError
from .kinds import KINDS, Kind

READ_CHUNK = 2000  # keys per IN (…) when reading stored rows
_REPEATING = frozenset({"choice", "choices", "bool", "ref"})
_UNKNOWN = object()
# The pages of a whole ledger sit beside its rows' pages (/ledgers/people/print/ beside
# /ledgers/people/KEY/): these words cannot be keys (core/urls.py; a test keeps them in step).
RESERVED_KEYS = frozenset(
    {"new", "print", "batch", "tree", "check", "pick", "import", "export.xlsx", "template.xlsx"}
)
ALL_READERS = frozenset({"admin", "office", "leader", "org_admin", "inspector"})
ORG_WRITERS = frozenset({"admin", "office", "org_admin"})
PERSONAL_KINDS = ("mobile", "id_number", "other")


@dataclass
class Column:
    """One column of a ledger; `kind` names one of core/kinds.py (text · longtext · code ·
    int · percent · decimal · date · datetime · bool · choice · choices · ref · refs ·
    anyref · file). `ref` is the ledger a ref/refs column points at, or a tuple of them
    for anyref. `max_length`, `max_digits` and `decimal_places` default to the model
    field's. File columns take `accept` (extensions) and `max_mb`."""

    header: str
    field: str
    kind_name: str = "text"
    required: bool = False
    attr: str | None = None
    choices: list[str] | None = None
    ref: str | tuple[str, ...] | None = None
    default: object = None
    max_length: int | None = None
    check: Callable[[object], object] | None = None  # normalises or raises CellError
    help: str = ""
    max_digits: int | None = None
    decimal_places: int | None = None
    # A key column's allowed characters (a key names its row in URLs); by default
    # anything but slashes, backslashes and control characters.
    charset: str = r"[^/\\\x00-\x1f\x7f]+"
    low: int | None = None  # int columns: bounds (a positive model field gives low 0)
    high: int | None = None
    accept: tuple[str, ...] = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")
    max_mb: int = 20
    # Personal data (个人信息): "mobile", "id_number" or "other". Shown in clear only to
    # those holding one of the ledger's clear roles over the row (core/masking.py).
    personal: str | None = None
    # The keyboard a phone shows for it ("tel", "numeric", "email"); numbers get theirs
    # from their kind.
    inputmode: str = ""
    kind: Kind = field(init=False, repr=False)
    _known: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self):
        self.attr = self.attr or self.field
        if self.personal is not None and self.personal not in PERSONAL_KINDS:
            raise ValueError(f"unknown personal kind {self.personal!r}")
        try:
            self.kind = KINDS[self.kind_name]
        except KeyError:
            raise ValueError(f"unknown column kind {self.kind_name!r}") from None

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    @property
    def targets(self) -> tuple[str, ...]:
        """The ledgers whose keys this column may hold."""
        return (self.ref,) if isinstance(self.ref, str) else tuple(self.ref or ())

    @property
    def many(self) -> bool:
        return self.kind.many

    @property
    def input(self) -> str:
        return self.kind.input

    @property
    def filter_values(self) -> list[str]:
        return self.kind.values(self)

    def parse(self, raw):
        """A raw cell (or form / JSON value) to the canonical value of this column."""
        if type(raw) is str and self.kind.name in _REPEATING:
            # Enumerations, yes/no and references repeat row after row: parse each
            # distinct cell once (a 40,000-row file holds a few hundred of them).
            known = self._known.get(raw, _UNKNOWN)
            if known is _UNKNOWN:
                known = self._parse(raw)
                if len(self._known) < 4096:
                    self._known[raw] = known
            return known
        return self._parse(raw)

    def _parse(self, raw):
        value = self.kind.parse(self, raw)
        if self.max_length and isinstance(value, str) and len(value) > self.max_length:
            raise CellError(f"长度超过 {self.max_length} 个字符")
        if self.is_empty(value):
            return value if self.default is None else self.default
        if self.check:
            value = self.check(value)
        return value

    def is_empty(self, value) -> bool:
        return value is None or value == "" or value == []

    def display(self, value) -> str:
        """The value as a spreadsheet or a page shows it."""
        return self.kind.display(self, value)

    def jsonable(self, value):
        return self.kind.jsonable(self, value)


@dataclass
class Change:
    """One row a write created or changed: `before` is None for a new row."""

    obj: object
    before: dict | None
    after: dict


@dataclass
class Stored:
    """A stored row as the write service compares it: canonical values, no model instance."""

    pk: int
    archived_at: object
    scope_path: str
    values: dict
    fields: dict = field(default_factory=dict)  # every concrete field by attname, as stored


class Ledger:
    """A ledger declaration. Subclasses set the class attributes and may override hooks."""

    name: str = ""
    title: str = ""
    # The group it is listed under on the 台账 index (组织与人员, 调度, 学习 …), in the
    # order the apps register them.
    area: str = "其他"
    model: type[models.Model]
    columns: list[Column] = []
    read_roles: frozenset = ALL_READERS
    write_roles: frozenset = ORG_WRITERS
    # Who sees its personal columns in clear, over the rows' organizations: the roles
    # that maintain the data (a writer always does, so a form never holds a mask).
    clear_roles: frozenset = ORG_WRITERS
    # The field holding the materialized path of the row's scope organization (kept on
    # every row by the write service); None for district-wide reference lists.
    scope_path: str | None = "scope_path"
    # A ref column whose row (an organization, or a row of another ledger) scopes this
    # row: declared in one line; the row then follows when that row moves.
    scope_via: str | None = None
    date_field: str | None = None  # the ledger's own date, for figures' --from / --to
    tree: bool = False  # the org tree itself (exactly one ledger)
    # Columns the ledger fills itself when left blank (`prepare`: 办理时限 from 收集日期).
    filled_when_blank: tuple[str, ...] = ()
    # Columns a minimal valid row fills besides the required ones (one of two columns
    # required together: a study article's 正文 or its file).
    minimal_also: tuple[str, ...] = ()
    # Its form shows the warnings (`warn_rows`) as the fields change, before saving.
    live_warnings: bool = False
    # Rows some writers may write only as their owner (a leader's own article): the ref
    # column naming the owner (a person), the roles so bound, and what they are told.
    owner_field: str | None = None
    owner_roles: frozenset = frozenset({"leader"})
    owner_message: str = "只能修改本人的记录"
    search_fields: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()
    default_order: str = "pk"

    @property
    def key(self) -> Column:
        return self.columns[0]

    @property
    def field_names(self) -> list[str]:
        names = self.__dict__.get("_field_names")
        if names is None:
            names = self.__dict__["_field_names"] = [c.field for c in self.columns]
        return names

    @property
    def personal_columns(self) -> list[Column]:
        return [c for c in self.columns if c.personal]

    @property
    def unmasking_roles(self) -> frozenset:
        return frozenset(self.clear_roles) | frozenset(self.write_roles)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, field_name: str) -> Column:
        by_field = self.__dict__.get("_by_field")
        if by_field is None:
            by_field = self.__dict__["_by_field"] = {c.field: c for c in self.columns}
        return by_field[field_name]

    def filter_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind.filterable]

    def date_lookup(self) -> str | None:
        if self.date_field is None:
            return None
        column = self.column(self.date_field)
        return column.kind.date_lookup(column)

    # -- reading rows -------------------------------------------------------------------

    def related(self) -> tuple[list[str], list[str]]:
        """select_related and prefetch_related paths that make `values()` query-free."""
        select = [c.attr for c in self.columns if c.kind.name == "ref"]
        prefetch = [c.attr for c in self.columns if c.kind.name == "refs"]
        return select, prefetch

    def queryset(self):
        select, prefetch = self.related()
        return self.model.objects.select_related(*select).prefetch_related(*prefetch)

    def values(self, obj) -> dict[str, object]:
        """The canonical value of every column, as parsing a cell would give it."""
        return {c.field: c.kind.model_value(c, obj) for c in self.columns}

    def read_values(self, queryset, columns=None, *, paths: list | None = None) -> list[dict]:
        """The canonical values of `columns` (all by default) of the rows of `queryset`,
        in its order, read as plain values — no model instances (a list page of fifty
        people made 150 of them) — plus "archived". One query, and one per
        many-valued column. `paths`, when given, receives each row's scope path."""
        columns = self.columns if columns is None else columns
        plain = [c for c in columns if c.kind.lookup(c) is not None]
        rows = []
        by_pk = {}
        path_lookup = self.scope_path if paths is not None and self.scope_path else "pk"
        lookups = ["pk", "archived_at", path_lookup, *(c.kind.lookup(c) for c in plain)]
        for pk, archived_at, path, *values in queryset.values_list(*lookups):
            row = {c.field: c.kind.from_db(c, v) for c, v in zip(plain, values, strict=True)}
            row["archived"] = archived_at is not None
            if paths is not None:
                paths.append(path if self.scope_path else None)
            rows.append(row)
            by_pk[pk] = row
        for column in (c for c in columns if c.kind.name == "refs"):
            relation = getattr(self.model, column.attr)
            source = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            for row in rows:
                row[column.field] = []
            links = relation.through.objects.filter(**{f"{source}_id__in": list(by_pk)})
            for pk, code in links.values_list(
                f"{source}_id", f"{target}__{registry[column.ref].key.attr}"
            ):
                by_pk[pk][column.field].append(code)
            for row in rows:
                row[column.field].sort()
        return rows

    def stored(self, keys: list[str]) -> dict[str, "Stored"]:
        """The stored rows with these keys, read as plain values (no model instances:
        an import of 40,000 rows compares against them)."""
        # Every stored field (so that an update needs no second read to make instances;
        # not the timestamps: the write stamps updated_at and never rewrites created_at),
        # each read once: a column's canonical value is its field's, but for references,
        # read through their joins.
        attnames = [
            f.attname
            for f in self.model._meta.concrete_fields
            if f.attname not in ("created_at", "updated_at")
        ]
        plain = [c for c in self.columns if c.kind.lookup(c) is not None]
        own = [(c, attnames.index(c.attr)) for c in plain if c.kind.lookup(c) in attnames]
        joined = [c for c in plain if c.kind.lookup(c) not in attnames]
        lookups = [c.kind.lookup(c) for c in joined]
        pk_index = attnames.index(self.model._meta.pk.attname)
        scope_index = attnames.index(self.scope_path) if self.scope_path in attnames else pk_index
        archived_index = attnames.index("archived_at")
        found: dict[str, Stored] = {}
        by_pk: dict[int, Stored] = {}
        for start in range(0, len(keys), READ_CHUNK):
            chunk = keys[start : start + READ_CHUNK]
            rows = self.model.objects.filter(**{f"{self.key.attr}__in": chunk}).values_list(
                *attnames, *lookups
            )
            for values in rows:
                row = {c.field: c.kind.from_db(c, values[i]) for c, i in own}
                for c, v in zip(joined, values[len(attnames) :], strict=True):
                    row[c.field] = c.kind.from_db(c, v)
                raw = dict(zip(attnames, values, strict=False))
                pk = values[pk_index]
                stored = Stored(pk, values[archived_index], str(values[scope_index]), row, raw)
                found[row[self.key.field]] = by_pk[pk] = stored
        for column in (c for c in self.columns if c.kind.name == "refs"):
            relation = getattr(self.model, column.attr)
            source = relation.field.m2m_field_name()
            target = relation.field.m2m_reverse_field_name()
            for stored in found.values():
                stored.values[column.field] = []
            pks = list(by_pk)
            for start in range(0, len(pks), READ_CHUNK):
                links = relation.through.objects.filter(
                    **{f"{source}_id__in": pks[start : start + READ_CHUNK]}
                )
                for pk, code in links.values_list(
                    f"{source}_id", f"{target}__{registry[column.ref].key.attr}"
                ):
                    by_pk[pk].values[column.field].append(code)
            for stored in found.values():
                stored.values[column.field].sort()
        return found

    def changes(self, before: dict, after: dict, shown=None) -> list[tuple[str, str, str]]:
        """(header, old, new) of each column that differs, as a page shows them;
        `shown(column, value)` draws a value (by default, its display)."""
        shown = shown or (lambda column, value: column.display(value))
        return [
            (c.header, shown(c, before.get(c.field)), shown(c, after.get(c.field)))
            for c in self.columns
            if before.get(c.field) != after.get(c.field)
        ]

    def key_of(self, obj) -> str:
        return getattr(obj, self.key.attr)

    @property
    def name_column(self) -> Column | None:
        """The column that names a row (its 名称/姓名/标题): shown beside its key wherever
        another row refers to it."""
        return next((c for c in self.columns[1:3] if c.kind.name == "text"), None)

    def label_of(self, row: dict) -> str:
        """A short name of a row for previews (its 名称/标题 column when it has one)."""
        column = self.name_column
        return str(row.get(column.field) or "") if column else ""

    # -- hooks for the write service (see core/ledger_write.py) --------------------------

    def owner_of_row(self, row: dict, ctx) -> int | None:
        """The id of the person owning a row being written (see `owner_field`)."""
        return ctx.ref_id(self.column(self.owner_field), row.get(self.owner_field))

    def owner_of_stored(self, stored: "Stored") -> int | None:
        return stored.fields.get(f"{self.column(self.owner_field).attr}_id")

    def owner_of_obj(self, obj) -> int | None:
        return getattr(obj, f"{self.column(self.owner_field).attr}_id", None)

    def check_row(self, row: dict, ctx) -> list[tuple[str, str]]:
        """Rules across the columns of one row: [(field, message)]. Refuse the write."""
        return []

    def check_batch(self, rows: list, ctx) -> list[tuple[int, str, str]]:
        """Rules across rows (cycles, …): [(index in rows, field, message)]."""
        return []

    def warn_rows(self, rows: list, ctx) -> list[tuple[int, str, str]]:
        """What the writer should know before saving, without refusing it (a research
        conflict): [(index in rows, field, message)]."""
        return []

    def scope_org_id(self, row: dict, ctx) -> int | None:
        """The organization that scopes this row (None: the district root)."""
        return None

    def scope_path_of(self, row: dict, ctx) -> str | None:
        """The materialized path a writer must hold a grant over to write this row."""
        stored = ctx.existing.get(row.get(self.key.field))
        if self.scope_via:
            column = self.column(self.scope_via)
            code = row.get(column.field)
            if not code and stored is not None:
                return stored.scope_path  # nothing names its place: it stays where it is
            return ctx.ref_path(column, code)
        org_id = self.scope_org_id(row, ctx)
        if org_id is None and stored is not None:
            return stored.scope_path
        return ctx.paths.get(org_id or ctx.root_id)

    def scope_column(self) -> Column:
        """The column blamed when a row lies outside the writer's scope."""
        if self.scope_via:
            return self.column(self.scope_via)
        from .tree import tree_ledger

        tree = tree_ledger().name
        return next((c for c in self.columns if c.kind.name == "ref" and c.ref == tree), self.key)

    def prepare(self, obj, row: dict, ctx) -> None:
        """Set derived fields before the object is written."""

    def audit_action(self, before: dict | None, after: dict) -> str | None:
        """A dotted action code for a change that means more than an edit (e.g.
        `rectify.measure.verified`); None records plain create / update."""
        return None

    def after_write(self, changes: list[Change], ctx) -> None:
        """Inside the write transaction, once every row is saved: what changed."""

    def after_archive(self, obj, *, restore: bool, actor) -> None:
        """Inside the archive transaction."""

    # What a list shows beyond the columns (counts, say): the headers, filled per page by
    # `decorate_rows`.
    extra_headers: tuple[str, ...] = ()

    def decorate_rows(self, rows: list[dict], user) -> None:
        """Add to each listed row (canonical values, one page of them): "_indent", its
        depth when the list is a tree (the first cell is indented by it), and "_extra",
        the values under `extra_headers`. Read only what `user` may read."""

    def related_links(self, obj) -> list[tuple[str, str]]:
        """(label, URL) of other rows a detail page should lead to."""
        return []

    def archive_blocker(self, obj) -> str | None:
        """Why this row may not be archived now (in Chinese), or None."""
        return None

    def example_row(self, ex) -> dict:
        """A valid raw row scoped to the organization `ex.org` (see core/examples.py):
        the registry-driven contract tests write rows of every ledger with it."""
        raise NotImplementedError(f"ledger {self.name} declares no example_row")


registry: dict[str, Ledger] = {}


def register(cls: type[Ledger]) -> type[Ledger]:
    """Class decorator: one instance of each declaration serves the whole process."""
    ledger = cls()
    _complete(ledger)
    registry[cls.name] = ledger
    return cls


def _complete(ledger: Ledger) -> None:
    """Take what the model already says: lengths, digits, the scope path of scope_via."""
    for column in ledger.columns:
        try:
            model_field = ledger.model._meta.get_field(column.attr)
        except Exception:  # noqa: BLE001 - a column need not be a model field
            continue
        if column.max_length is None and getattr(model_field, "max_length", None):
            if column.kind.name not in ("ref", "refs"):
                column.max_length = model_field.max_length
        if column.kind.name == "int" and column.low is None:
            if isinstance(model_field, PositiveIntegerRelDbTypeMixin):
                column.low = 0
        if column.kind.name == "decimal":
            column.max_digits = column.max_digits or model_field.max_digits
            if column.decimal_places is None:
                column.decimal_places = model_field.decimal_places


def get_ledger(name: str) -> Ledger:
    try:
        return registry[name]
    except KeyError:
        raise LookupError(f"没有名为“{name}”的台账（可选：{'、'.join(registry)}）") from None
