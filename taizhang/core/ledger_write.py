"""The one write path of every ledger: forms, API, imports and the demo all call
`ledger_write`, which parses, checks scope and references, and writes atomically with
audit — or writes nothing and returns every problem."""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import tree
from .access import path_writable, rows_for_read
from .audit import audit_insert, audit_record, new_batch
from .bulk import (
    ANALYZE_AFTER,
    analyze,
    insert_objects,
    new_instances,
    stored_instance,
    update_changed,
)
from .cells import CellError
from .cells import is_blank as cells_blank
from .ledger import RESERVED_KEYS, Change, Column, Ledger, Stored, registry
from .models import AuditEntry
from .scope import Scope, scope_for

CHUNK = 500
CONFIRMED = "core.warnings.confirmed"
REQUIRED = "必填，不能为空"
logger = logging.getLogger(__name__)


@dataclass
class Problem:
    row: int | None  # the row number a spreadsheet program shows; None for forms and API
    header: str
    field: str
    value: str
    message: str

    def line(self) -> str:
        where = f"第{self.row}行 " if self.row else ""
        return f"{where}{self.header}: {self.message}"


@dataclass
class Outcome:
    created: list[dict] = field(default_factory=list)
    updated: list[tuple[dict, dict]] = field(default_factory=list)
    # Archived rows the file (or form) holds again: they come back, as 恢复.
    restored: list[tuple[dict, dict]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False
    held: bool = False  # warnings were found and the writer has not yet confirmed them
    source: object = None  # an imported file's own sheet, for the error workbook

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """新增 2 条，更新 1 条，恢复 1 条，未变 40 条 (恢复 only when there is one)."""
        parts = [f"新增 {len(self.created)} 条", f"更新 {len(self.updated)} 条"]
        if self.restored:
            parts.append(f"恢复 {len(self.restored)} 条")
        parts.append(f"未变 {self.unchanged} 条")
        return "，".join(parts)


@dataclass
class WriteContext:
    ledger: Ledger
    actor: object
    scope: Scope
    root_id: int | None
    root_path: str
    district: str
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # ledger -> key -> id
    readable: dict[str, set[str]] = field(default_factory=dict)  # ledger -> keys the actor reads
    places: dict[str, str | None] = field(default_factory=dict)  # row key -> scope path
    live: dict[str, set[str]] = field(default_factory=dict)  # ledger -> keys not archived
    unknown: set = field(default_factory=set)  # (row number, field) reported as 不存在
    paths: dict[int, str] = field(default_factory=dict)  # org id -> path
    existing: dict[str, Stored] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # per-write memo for ledger hooks
    rows: list = field(default_factory=list)  # (row number, merged row) being written

    @property
    def system(self) -> bool:
        """No actor: the operator at the command line, who may write everything."""
        return self.actor is None

    def ref_id(self, column: Column, code: str) -> int | None:
        return self.ids.get(column.ref, {}).get(code) if code else None

    def district_of(self, path: str) -> str:
        """The district (tenant) key of a path: the code of its 区委-level ancestor."""
        known = self.cache.setdefault("districts", {})
        if path not in known:
            wanted = {p for p in self.places.values() if p} | {path}
            known.update(tree.district_codes(wanted - set(known)))
        return known.get(path) or self.district

    def ref_path(self, column: Column, code: str) -> str | None:
        """The scope path of the row a ref column points at (an organization's own
        path, or the scope path of a row of another ledger); the root's when empty."""
        if not code:
            return self.root_path or None
        paths = self.cache.get(("ref_paths", column.field))
        if paths is None:
            target = registry[column.ref]
            codes = list({row.get(column.field) for _, row in self.rows} - {"", None})
            if target.tree:
                paths = tree.paths_of(target.key.attr, codes)
            else:
                paths = {}
                for start in range(0, len(codes), CHUNK):
                    paths.update(
                        target.model.objects.filter(
                            **{f"{target.key.attr}__in": codes[start : start + CHUNK]}
                        ).values_list(target.key.attr, target.scope_path)
                    )
            self.cache[("ref_paths", column.field)] = paths
        return paths.get(code)


def ledger_write(
    *,
    ledger: Ledger,
    actor,
    rows: list[tuple[int | None, dict]],
    mode: str = "upsert",
    dry_run: bool = False,
    confirmed: bool = True,
) -> Outcome:
    """Create or update rows. `rows` holds (row number, {field: raw value}); a field absent
    from a row keeps its stored value. `mode` is upsert, create or update. `actor` None is
    the operator at the command line, who may write everything.

    Warnings never refuse a write; with `confirmed` False (a form's first submission)
    a write that has warnings is held, so that the user sees them before saving.

    Checks and writes share one transaction, so what was checked is what is written; when
    a concurrent writer slips a conflicting row in between, the checks run again."""
    if dry_run:
        return _check_and_write(ledger, actor, rows, mode, dry_run, confirmed)
    for _attempt in range(3):
        planned: set[str] = set()  # the keys this attempt meant to create
        try:
            with transaction.atomic():
                return _check_and_write(ledger, actor, rows, mode, dry_run, confirmed, planned)
        except IntegrityError:
            # Only a key race is retried: another writer created one of the rows this
            # write meant to create, between its check and its insert. Anything else is
            # a bug, and surfaces (nothing was written: the transaction rolled back).
            if not _key_race(ledger, planned):
                raise
            logger.warning("ledger %s: key race, checking again", ledger.name, exc_info=True)
    key = ledger.key
    return Outcome(
        problems=[Problem(None, key.header, key.field, "", "数据刚被他人修改，请重新提交")]
    )


def _key_race(ledger: Ledger, planned: set[str]) -> bool:
    keys = list(planned)
    return any(
        ledger.model.objects.filter(**{f"{ledger.key.attr}__in": keys[i : i + CHUNK]}).exists()
        for i in range(0, len(keys), CHUNK)
    )


def _check_and_write(
    ledger: Ledger, actor, rows, mode: str, dry_run: bool, confirmed: bool, planned=None
) -> Outcome:
    scope = Scope.all() if actor is None else scope_for(actor)
    root = tree.home_of(scope, ledger.write_roles)
    ctx = WriteContext(
        ledger=ledger,
        actor=actor,
        scope=scope,
        root_id=root.id if root else None,
        root_path=root.path if root else "",
        district=root.code if root else "",
    )
    outcome = Outcome()
    parsed = _parse_rows(ledger, rows, outcome)
    _check_keys(ledger, parsed, mode, ctx, outcome)
    merged = _merge_existing(ledger, parsed, ctx)
    _check_required(ledger, merged, outcome)
    _resolve_references(ledger, merged, ctx, outcome)
    ctx.rows = merged
    _place_rows(ledger, merged, ctx)
    _check_scope(ledger, merged, ctx, outcome)
    _check_owner(ledger, merged, ctx, outcome)
    if not outcome.problems:
        for number, row in merged:
            for field_name, message in ledger.check_row(row, ctx):
                _add(outcome, ledger, number, field_name, row.get(field_name), message)
        for index, field_name, message in ledger.check_batch(merged, ctx):
            number, row = merged[index]
            _add(outcome, ledger, number, field_name, row.get(field_name), message)
    if outcome.problems:
        order = {c.field: i for i, c in enumerate(ledger.columns)}
        outcome.problems.sort(key=lambda p: (p.row or 0, order.get(p.field, 0)))
        return outcome
    warned: dict[str, list[str]] = {}  # row key -> its warnings, for the audit
    for index, field_name, message in ledger.warn_rows(merged, ctx):
        number, row = merged[index]
        _add(outcome.warnings, ledger, number, field_name, row.get(field_name), message)
        warned.setdefault(row.get(ledger.key.field), []).append(outcome.warnings[-1].line())
    order = {c.field: i for i, c in enumerate(ledger.columns)}
    outcome.warnings.sort(key=lambda p: (p.row or 0, order.get(p.field, 0)))
    changes = _diff(ledger, merged, ctx, outcome)
    if outcome.warnings and not confirmed:
        outcome.held = True
        return outcome
    if not dry_run and changes:
        if planned is not None:
            planned.update(row[ledger.key.field] for stored, _, row in changes if stored is None)
        _save(ledger, changes, ctx)
        if warned and not ctx.system:
            # Saved anyway: who confirmed which warnings, beside the change itself.
            for key, lines in warned.items():
                audit_record(
                    actor=actor,
                    action=CONFIRMED,
                    ledger=ledger.name,
                    key=key,
                    after={"已确认的提示": lines},
                )
        if len(changes) >= ANALYZE_AFTER:
            tables = [ledger.model, AuditEntry]
            tables += [
                getattr(ledger.model, c.attr).through
                for c in ledger.columns
                if c.many and c.kind.name == "refs"
            ]
            transaction.on_commit(lambda: analyze(tables))
        outcome.written = True
    return outcome


def _add(into, ledger: Ledger, number, field_name: str, value, message: str):
    """Add a problem to an Outcome (or to a list of warnings)."""
    header = ledger.column(field_name).header if field_name else ""
    shown = ledger.column(field_name).display(value) if field_name else ""
    problems = into.problems if isinstance(into, Outcome) else into
    problems.append(Problem(number, header, field_name, shown, message))


def _parse_rows(ledger: Ledger, rows, outcome: Outcome) -> list[tuple[int | None, dict]]:
    parsed = []
    for number, raw in rows:
        row = {}
        for column in ledger.columns:
            if column.field not in raw:
                continue
            if column.default is not None and cells_blank(raw[column.field]):
                # A blank cell of a column with a default: a new row takes the default,
                # a stored row keeps its value (a correction file leaves it blank).
                continue
            try:
                value = column.parse(raw[column.field])
            except CellError as error:
                outcome.problems.append(
                    Problem(
                        number, column.header, column.field, _shown(raw[column.field]), str(error)
                    )
                )
                continue
            row[column.field] = value
        parsed.append((number, row))
    return parsed


def _shown(raw) -> str:
    return "" if raw is None else str(raw)


def _check_keys(ledger: Ledger, parsed, mode: str, ctx: WriteContext, outcome: Outcome):
    key = ledger.key
    first_seen: dict[str, int | None] = {}
    unreadable = {p.row for p in outcome.problems if p.field == key.field}
    for number, row in parsed:
        value = row.get(key.field, "")
        if not value:
            if number not in unreadable:
                outcome.problems.append(Problem(number, key.header, key.field, "", REQUIRED))
            continue
        if reason := _unreachable_key(key, value):
            outcome.problems.append(Problem(number, key.header, key.field, value, reason))
            continue
        if value in first_seen:
            where = f"第{first_seen[value]}行" if first_seen[value] else "前面"
            outcome.problems.append(
                Problem(number, key.header, key.field, value, f"“{value}”与{where}重复")
            )
        else:
            first_seen[value] = number
    ctx.existing = ledger.stored(list(first_seen))
    for number, row in parsed:
        value = row.get(key.field)
        if not value:
            continue
        if mode == "create" and value in ctx.existing:
            outcome.problems.append(
                Problem(number, key.header, key.field, value, f"“{value}”已存在")
            )
        if mode == "update" and value not in ctx.existing:
            outcome.problems.append(
                Problem(number, key.header, key.field, value, f"“{value}”不存在")
            )


def _unreachable_key(column: Column, value: str) -> str | None:
    """A key names its row in URLs (/ledgers/people/KEY/): it must fit the column's
    declared character set, and every key must be reachable."""
    if value in (".", "..") or not re.fullmatch(column.charset, value):
        return f"“{value}”含有编号中不允许的字符（如 / \\ 或控制字符）"
    if value in RESERVED_KEYS:
        return f"“{value}”是系统保留的地址名，不能用作编号"
    return None


def _check_required(ledger: Ledger, merged, outcome: Outcome):
    blamed = {(p.row, p.field) for p in outcome.problems}
    for number, row in merged:
        for column in ledger.required[1:]:
            if column.is_empty(row.get(column.field)) and (number, column.field) not in blamed:
                outcome.problems.append(Problem(number, column.header, column.field, "", REQUIRED))


def _resolve_references(ledger: Ledger, parsed, ctx: WriteContext, outcome: Outcome):
    wanted: dict[str, set[str]] = defaultdict(set)
    ref_columns = [c for c in ledger.columns if c.kind.name in ("ref", "refs", "anyref")]
    for _, row in parsed:
        for column in ref_columns:
            codes = _codes(row.get(column.field))
            for target in column.targets:
                wanted[target].update(codes)
    for name, codes in wanted.items():
        target = registry[name]
        found: dict[str, int] = {}
        codes = list(codes)
        for start in range(0, len(codes), CHUNK):
            chunk = codes[start : start + CHUNK]
            # Archived rows too: a row may keep a reference to a row archived since.
            stored = target.model.objects.filter(**{f"{target.key.attr}__in": chunk})
            for code, pk, archived_at in stored.values_list(target.key.attr, "id", "archived_at"):
                found[code] = pk
                if archived_at is None:
                    ctx.live.setdefault(name, set()).add(code)
        ctx.ids[name] = found
        if not ctx.system:
            ctx.readable[name] = _readable_keys(target, ctx.scope, list(found))
    _resolve_files(ledger, parsed, ctx, outcome)
    batch_keys = {row.get(ledger.key.field) for _, row in parsed}
    allowed = {
        column.field: _allowed_codes(ledger, column, ctx, batch_keys) for column in ref_columns
    }
    for number, row in parsed:
        stored = ctx.existing.get(row.get(ledger.key.field))
        for column in ref_columns:
            for code in _codes(row.get(column.field)):
                if code in allowed[column.field]:
                    continue
                if stored is not None and code in _codes(stored.values.get(column.field)):
                    if any(code in ctx.ids[t] for t in column.targets):
                        continue  # what the row already holds stays, even if archived since
                # A row the writer may not read is "不存在" to them, exactly as a missing
                # one: a reference never reveals what lies outside their scope. An
                # organization (the district's common vocabulary) is named as such.
                ctx.unknown.add((number, column.field))
                outside = any(
                    registry[t].tree and code in ctx.live.get(t, set()) for t in column.targets
                )
                if outside:
                    message = f"“{code}”不在您的管理范围内"
                elif _archived_readable(column, code, ctx):
                    message = f"“{code}”已归档，不能再引用"
                else:
                    message = f"“{code}”不存在"
                    if column.kind.name == "anyref":
                        titles = "或".join(registry[t].title for t in column.targets)
                        message += f"（请填写{titles}的编码）"
                outcome.problems.append(Problem(number, column.header, column.field, code, message))


def _archived_readable(column: Column, code: str, ctx: WriteContext) -> bool:
    """Whether `code` names an archived row the writer could read (so saying so reveals
    nothing they could not see on its 已归档 list)."""
    for target in column.targets:
        if code not in ctx.ids.get(target, {}) or code in ctx.live.get(target, set()):
            continue
        if ctx.system:
            return True
        try:
            rows = rows_for_read(registry[target], ctx.scope, archived=True)
        except PermissionDenied:
            continue
        if rows.filter(**{registry[target].key.attr: code}).exists():
            return True
    return False


def _allowed_codes(ledger: Ledger, column: Column, ctx: WriteContext, batch_keys) -> set:
    """The codes a reference column may name: live rows the writer may read. The column
    that places the row in the tree is the exception: any organization may be named
    there, and a row placed outside the writer's subtree is refused by the scope check,
    which says so. Rows of this very file may be named too."""
    allowed: set[str] = set()
    placing = column is ledger.scope_column() or (ledger.tree and column.ref == ledger.name)
    for target in column.targets:
        live = ctx.live.get(target, set())
        if ctx.system or (registry[target].tree and placing):
            allowed |= live
        else:
            allowed |= live & ctx.readable.get(target, set())
        if target == ledger.name:
            allowed |= batch_keys
    return allowed


def _readable_keys(target: Ledger, scope: Scope, keys: list[str]) -> set[str]:
    try:
        rows = rows_for_read(target, scope).order_by()
    except PermissionDenied:
        return set()
    readable: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        readable.update(
            rows.filter(**{f"{target.key.attr}__in": chunk}).values_list(target.key.attr, flat=True)
        )
    return readable


def _resolve_files(ledger: Ledger, parsed, ctx: WriteContext, outcome: Outcome):
    """A file column holds the key of an attachment that exists and that the writer
    uploaded (or that the row already holds): nobody attaches a file by guessing a key."""
    from .models import Attachment

    file_columns = [c for c in ledger.columns if c.kind.name == "file"]
    if not file_columns:
        return
    keys = {row.get(c.field) for _, row in parsed for c in file_columns} - {"", None}
    found = dict(Attachment.objects.filter(key__in=keys).values_list("key", "uploaded_by_id"))
    for number, row in parsed:
        stored = ctx.existing.get(row.get(ledger.key.field))
        for column in file_columns:
            value = row.get(column.field)
            if not value or (stored is not None and stored.values.get(column.field) == value):
                continue
            if value not in found:
                message = f"附件“{value}”不存在"
            elif not ctx.system and found[value] != getattr(ctx.actor, "pk", None):
                message = f"附件“{value}”不是您上传的"
            else:
                continue
            outcome.problems.append(Problem(number, column.header, column.field, value, message))


def _codes(value) -> list[str]:
    return value if isinstance(value, list) else [value] if value else []


def _merge_existing(ledger: Ledger, parsed, ctx: WriteContext):
    """Fill the fields a row does not carry: from the stored row, else from the defaults."""
    defaults = {column.field: column.parse(None) for column in ledger.columns}
    merged = []
    for number, row in parsed:
        stored = ctx.existing.get(row.get(ledger.key.field))
        if stored is not None:
            full = dict(stored.values)
        else:
            full = dict(defaults)
        full.update(row)
        merged.append((number, full))
    return merged


def _place_rows(ledger: Ledger, merged, ctx: WriteContext) -> None:
    """Where each row goes: the path of the organization that will scope it (for the
    tree itself, the parent's: a new organization's own path needs its id)."""
    if ledger.scope_path is None:
        return
    org_ids = {ledger.scope_org_id(row, ctx) or ctx.root_id for _, row in merged}
    ctx.paths.update(tree.paths_by_id(org_ids - {None}))
    for _, row in merged:
        ctx.places[row.get(ledger.key.field)] = ledger.scope_path_of(row, ctx)


def _check_scope(ledger: Ledger, merged, ctx: WriteContext, outcome: Outcome):
    """Each row's new place and, for a stored row, its current place must both lie in a
    subtree the writer holds with one of the ledger's write roles."""
    if ctx.system:
        return
    blamed = ledger.scope_column()
    batch_keys = {row.get(ledger.key.field) for _, row in merged}
    required_empty = {(p.row, p.field) for p in outcome.problems if p.message == REQUIRED}
    for number, row in merged:
        value = row.get(blamed.field)
        if (number, blamed.field) in ctx.unknown or (number, blamed.field) in required_empty:
            continue  # an unknown or missing reference is reported once, as such
        if blamed.kind.name == "ref" and value and value not in ctx.ids.get(blamed.ref, {}):
            if not (blamed.ref == ledger.name and value in batch_keys):
                continue
        stored = ctx.existing.get(row.get(ledger.key.field))
        if stored is not None and not path_writable(ledger, ctx.scope, stored.scope_path):
            # A stored row outside write scope: name where it is now when the writer may
            # read it there; otherwise show nothing of what it holds.
            key = row.get(ledger.key.field, "")
            message = f"“{key}”不在您的管理范围内"
            readable = stored.scope_path and ctx.scope.covers(stored.scope_path, ledger.read_roles)
            if readable and not ledger.tree:
                message = f"“{key}”现属“{tree.org_named_at(stored.scope_path)}”，不在您的管理范围内"
            outcome.problems.append(
                Problem(number, ledger.key.header, ledger.key.field, key, message)
            )
            continue
        if ledger.scope_path is None:
            allowed = path_writable(ledger, ctx.scope, None)
            shown, message = "", "您没有修改此台账的权限"
        else:
            path = ctx.places.get(row.get(ledger.key.field))
            allowed = path_writable(ledger, ctx.scope, path)
            shown = blamed.display(value or "")
            message = f"“{shown}”不在您的管理范围内"
        if not allowed:
            outcome.problems.append(Problem(number, blamed.header, blamed.field, shown, message))


def _check_owner(ledger: Ledger, merged, ctx: WriteContext, outcome: Outcome):
    """A writer who may write a row only as its owner (a leader's own article) names
    themselves in its owner column, before and after the change."""
    if ctx.system or not ledger.owner_field or outcome.problems:
        return
    column = ledger.column(ledger.owner_field)
    own = getattr(ctx.actor, "person_id", None)
    for number, row in merged:
        stored = ctx.existing.get(row.get(ledger.key.field))
        paths = [ctx.places.get(row.get(ledger.key.field))]
        if stored is not None:
            paths.append(stored.scope_path)
        if all(owner_free(ledger, ctx.scope, path) for path in paths):
            continue
        before = ledger.owner_of_stored(stored) if stored is not None else own
        after = ledger.owner_of_row(row, ctx)
        if own is None or after != own or before != own:
            value = row.get(column.field)
            outcome.problems.append(
                Problem(number, column.header, column.field, str(value or ""), ledger.owner_message)
            )


def owner_free(ledger: Ledger, scope: Scope, path: str | None) -> bool:
    """Whether the scope writes rows at `path` through a role not bound to owning them."""
    if scope.everything:
        return True
    return path is not None and scope.covers(path, ledger.write_roles - ledger.owner_roles)


def owner_refusal(ledger: Ledger, actor, obj) -> str | None:
    """Why `actor` may not archive or restore this row as its owner, or None."""
    if actor is None or not ledger.owner_field:
        return None
    scope = scope_for(actor)
    if owner_free(ledger, scope, getattr(obj, ledger.scope_path or "", None)):
        return None
    owner = ledger.owner_of_obj(obj)
    if owner is None or owner != getattr(actor, "person_id", None):
        return ledger.owner_message
    return None


def _diff(ledger: Ledger, merged, ctx: WriteContext, outcome: Outcome):
    changes = []
    for _, row in merged:
        stored = ctx.existing.get(row[ledger.key.field])
        if stored is None:
            outcome.created.append(row)
            changes.append((None, None, row))
            continue
        if stored.values == row and stored.archived_at is None:
            outcome.unchanged += 1
            continue
        if stored.archived_at is not None:
            outcome.restored.append((stored.values, row))
        else:
            outcome.updated.append((stored.values, row))
        changes.append((stored, stored.values, row))
    return changes


def _apply(ledger: Ledger, obj, row: dict, ctx: WriteContext):
    for column in ledger.columns:
        column.kind.to_model(column, obj, row.get(column.field), ctx)
    if ledger.scope_path is not None and not ledger.tree:
        obj.scope_path = ctx.places.get(row[ledger.key.field]) or ""
    obj.district = ctx.district_of(obj.scope_path) if obj.scope_path else ctx.district
    obj.archived_at = None
    ledger.prepare(obj, row, ctx)


def _save(ledger: Ledger, changes, ctx: WriteContext) -> None:
    model = ledger.model
    now = timezone.now()
    new_objs, old_objs, snapshots = [], [], {}
    alias = connection.alias
    fresh = iter(new_instances(model, sum(1 for stored, _, _ in changes if stored is None)))
    for stored, _, row in changes:
        if stored is None:
            obj = next(fresh)
            obj.created_at = now
            new_objs.append(obj)
        else:
            obj = stored_instance(model, stored.fields, alias)
            snapshots[obj.pk] = dict(stored.fields)
            old_objs.append(obj)
        obj.updated_at = now
        _apply(ledger, obj, row, ctx)
    key_attr, key_attr_field = ledger.key.attr, ledger.key.field
    insert_objects(model, new_objs, key_attr=key_attr)
    ctx.ids.setdefault(ledger.name, {}).update((getattr(o, key_attr), o.pk) for o in new_objs)
    by_key = {getattr(o, key_attr): o for o in [*new_objs, *old_objs]}
    self_refs = [c for c in ledger.columns if c.kind.name == "ref" and c.ref == ledger.name]
    for column in self_refs:  # rows of this file may point at each other
        for _, _, row in changes:
            target = by_key[row[ledger.key.field]]
            setattr(target, f"{column.attr}_id", ctx.ref_id(column, row.get(column.field)))
    # Only the columns that changed: a correction file that changes one column of
    # 40,000 rows writes that column (and updated_at), not every field of every row.
    update_changed(model, [(obj, snapshots[obj.pk]) for obj in old_objs])
    moved = {
        obj.pk: obj.scope_path
        for obj in old_objs
        if obj.scope_path != snapshots[obj.pk]["scope_path"]
    }
    if moved and not ledger.tree:
        _follow(ledger, moved, ctx)
    if self_refs and new_objs:
        model.objects.bulk_update(new_objs, [c.attr for c in self_refs], batch_size=CHUNK)
    _save_many(ledger, changes, by_key, ctx)
    if type(ledger).after_write is not Ledger.after_write:  # 40,000 Changes cost 0.2 s
        ledger.after_write(
            [Change(by_key[row[key_attr_field]], before, row) for _, before, row in changes], ctx
        )
    _audit_changes(ledger, changes, ctx)


def _follow(ledger: Ledger, moved: dict[int, str], ctx: WriteContext) -> None:
    """Rows scoped through rows that moved (scope_via) move with them, and so on down."""
    for other in registry.values():
        if not other.scope_via or other.column(other.scope_via).ref != ledger.name:
            continue
        attr = other.column(other.scope_via).attr
        by_path: dict[str, list[int]] = defaultdict(list)
        for pk, path in moved.items():
            by_path[path].append(pk)
        followed: dict[int, str] = {}
        for path, pks in by_path.items():
            for start in range(0, len(pks), CHUNK):
                rows = other.model.objects.filter(**{f"{attr}_id__in": pks[start : start + CHUNK]})
                followed.update((pk, path) for pk in rows.values_list("pk", flat=True))
                rows.update(scope_path=path, district=ctx.district_of(path))
        if followed:
            _follow(other, followed, ctx)


def _audit_changes(ledger: Ledger, changes, ctx: WriteContext) -> None:
    """One audit entry per written row, in the write's own transaction. A change the
    ledger names (`audit_action`, e.g. rectify.measure.verified) is recorded as such."""
    key = ledger.key.field
    names, convert = ledger.field_names, _converted(ledger)
    named = type(ledger).audit_action is not Ledger.audit_action
    by_action: dict[str, list] = defaultdict(list)
    for stored, before, row in changes:
        action = AuditEntry.Action.CREATE if stored is None else AuditEntry.Action.UPDATE
        if named:
            action = ledger.audit_action(before, row) or action
        if stored is not None and stored.archived_at is not None:
            action = AuditEntry.Action.RESTORE  # re-imported or re-saved: it comes back
        if before is None:
            by_action[action].append((row[key], None, _jsonable(ledger, row)))
            continue
        # An update records the columns it changed, before and after.
        old, new = {}, {}
        for name in names:
            was, now = before.get(name), row.get(name)
            if was != now:
                to_json = convert.get(name)
                old[name], new[name] = (to_json(was), to_json(now)) if to_json else (was, now)
        by_action[action].append((row[key], old, new))
    batch = new_batch()
    for action, entries in by_action.items():
        audit_insert(
            actor=ctx.actor,
            action=action,
            ledger=ledger.name,
            changes=entries,
            batch=batch,
            fields=ledger.field_names,
        )


def _save_many(ledger: Ledger, changes, by_key, ctx: WriteContext):
    for column in (c for c in ledger.columns if c.kind.name == "refs"):
        relation = getattr(ledger.model, column.attr)
        through = relation.through
        source = relation.field.m2m_field_name() + "_id"
        target = relation.field.m2m_reverse_field_name() + "_id"
        touched, links = [], []
        for _, before, row in changes:
            if before is not None and before.get(column.field) == row.get(column.field):
                continue
            pk = by_key[row[ledger.key.field]].pk
            if before is not None:
                touched.append(pk)
            links.extend(
                through(**{source: pk, target: ctx.ref_id(column, code)})
                for code in row.get(column.field) or []
            )
        for start in range(0, len(touched), CHUNK):
            through.objects.filter(**{f"{source}__in": touched[start : start + CHUNK]}).delete()
        insert_objects(through, links)


def _jsonable(ledger: Ledger, row: dict, fields: list[str] | None = None) -> dict:
    """The row (or `fields` of it) as JSON values. Only dates, times and decimals need
    converting; the audit of a large import calls this per row."""
    converted = _converted(ledger)
    names = ledger.field_names if fields is None else fields
    out = {}
    for name in names:
        value = row.get(name)
        out[name] = converted[name](value) if name in converted else value
    return out


def _converted(ledger: Ledger) -> dict:
    """The columns whose values JSON cannot hold as they are, with their converters."""
    found = getattr(ledger, "_json_converters", None)
    if found is None:
        found = {
            c.field: c.jsonable
            for c in ledger.columns
            if c.kind.name in ("date", "datetime", "decimal")
        }
        ledger._json_converters = found
    return found


def _restore_blocker(ledger: Ledger, obj) -> str | None:
    """A row comes back only where what it hangs on is live (its organization, its topic)."""
    for column in ledger.columns:
        if column.kind.name != "ref":
            continue
        target = registry[column.ref]
        held = getattr(obj, f"{column.attr}_id")
        if (
            held is not None
            and target.model.objects.filter(pk=held, archived_at__isnull=False).exists()
        ):
            code = target.model.objects.filter(pk=held).values_list(target.key.attr, flat=True)[0]
            return f"{column.header}“{code}”已归档，请先恢复它"
    return None


def _dependents_blocker(ledger: Ledger, obj) -> str | None:
    """A row that live rows of any ledger still hang on (an organization with people,
    notes, sub-organizations) is not archived from under them."""
    found = []
    for other in registry.values():
        for column in other.columns:
            if column.kind.name == "ref" and column.ref == ledger.name:
                count = other.model.objects.filter(
                    **{column.attr: obj.pk, "archived_at": None}
                ).count()
                if count:
                    found.append(f" {count} 条{other.title}")
    if found:
        key = ledger.key_of(obj)
        return f"“{key}”下还有{'、'.join(found)}，请先转移或归档它们，再归档本条"
    return None


class ArchiveRefused(Exception):
    """The row cannot be archived now; the message says why, in Chinese."""


@transaction.atomic
def ledger_archive(*, ledger: Ledger, actor, obj, restore: bool = False):
    """Archive (or restore) one row: it leaves every list and figure but is never deleted."""
    if restore:
        reason = _restore_blocker(ledger, obj)
    else:
        reasons = (_dependents_blocker(ledger, obj), ledger.archive_blocker(obj))
        reason = "；".join(r for r in reasons if r)
    reason = owner_refusal(ledger, actor, obj) or reason
    if reason:
        raise ArchiveRefused(reason)
    before = obj.archived_at
    obj.archived_at = None if restore else timezone.now()
    obj.save(update_fields=["archived_at", "updated_at"])
    ledger.after_archive(obj, restore=restore, actor=actor)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RESTORE if restore else AuditEntry.Action.ARCHIVE,
        ledger=ledger.name,
        key=ledger.key_of(obj),
        before={"archived_at": before.isoformat() if before else None},
        after={"archived_at": obj.archived_at.isoformat() if obj.archived_at else None},
    )
    return obj
