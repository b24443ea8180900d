"""The two doors of the engine: fetch for read, fetch for write.

Every page, API route, export, template, import, archive, restore, figure and drill-down
asks here, and nowhere else, whether a user may see or change a ledger's rows:

- reading: the rows whose scope path lies in a subtree the user holds with one of the
  ledger's read roles; a row outside that is 404 (its existence is never revealed);
- writing: the row's path must lie in a subtree held with one of the ledger's write
  roles; a row the user may read but not write is 403.

A ledger whose `scope_path` is None is a district-wide reference list: every holder of a
read role reads it; writing it needs a write role over the root."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import source, tree
from .ledger import Ledger
from .masking import mask_row
from .scope import Scope, path_is_root, scope_for

NOT_READABLE = "您没有查看此台账的权限"
NOT_WRITABLE = "您没有修改此台账的权限"
OUT_OF_REACH = "您没有修改这条记录的权限"


def may_read(ledger: Ledger, who) -> bool:
    """Whether `who` (a user or a Scope) reads any row of this ledger."""
    return scope_for(who).holds(ledger.read_roles)


def reads_any_ledger(who) -> bool:
    """Whether `who` reads some registered ledger (the 台账 entry of the navigation)."""
    from .ledger import registry

    return any(may_read(ledger, who) for ledger in registry.values())


def may_write(ledger: Ledger, who) -> bool:
    """Whether `who` may write some row of this ledger (to offer 新增 / 导入)."""
    return scope_for(who).holds(ledger.write_roles)


def rows_for_read(ledger: Ledger, who, *, archived: bool = False) -> QuerySet:
    """The rows `who` may read; PermissionDenied if no grant of theirs reads this ledger."""
    scope = scope_for(who)
    if not scope.holds(ledger.read_roles):
        raise PermissionDenied(NOT_READABLE)
    queryset = ledger.queryset().filter(archived_at__isnull=not archived)
    if ledger.scope_path is not None:
        queryset = scope.filter(queryset, ledger.scope_path, ledger.read_roles)
    return queryset


def fetch_for_read(ledger: Ledger, who, key: str, *, archived: bool | None = False):
    """One row by its key; 404 when it does not exist or lies outside read scope.
    `archived` None finds it archived or not."""
    if archived is None:
        queryset = rows_for_read(ledger, who) | rows_for_read(ledger, who, archived=True)
    else:
        queryset = rows_for_read(ledger, who, archived=archived)
    try:
        return queryset.get(**{ledger.key.attr: key})
    except ledger.model.DoesNotExist:
        if _outside_read_scope(ledger, who, key):
            denied(ledger, who, key, 404)
        raise Http404("记录不存在") from None


def _outside_read_scope(ledger: Ledger, who, key: str) -> bool:
    """Whether a row with this key exists, archived or not, outside `who`'s read scope
    (not merely archived, or absent: those are no refusal)."""
    if ledger.scope_path is None:
        return False
    query = scope_for(who).q(ledger.scope_path, ledger.read_roles)
    if not query.children:
        return False  # the whole tree is theirs
    rows = ledger.model.objects.filter(**{ledger.key.attr: key})
    return rows.exclude(query).exists()


def fetch_for_write(ledger: Ledger, who, key: str, *, archived: bool | None = False):
    """One row the user will change: 404 outside read scope, 403 where they may only read."""
    obj = fetch_for_read(ledger, who, key, archived=archived)
    if not row_writable(ledger, who, obj):
        denied(ledger, who, key, 403)
        raise PermissionDenied(OUT_OF_REACH if may_write(ledger, who) else NOT_WRITABLE)
    return obj


def refuse_write(ledger: Ledger, who) -> None:
    """The write door for a whole ledger (new row, import): 403, recorded, unless `who`
    holds one of its write roles somewhere."""
    if not may_write(ledger, who):
        denied(ledger, who, "", 403)
        raise PermissionDenied(NOT_WRITABLE)


DENIED = "core.access.denied"
DENIED_QUIET_SECONDS = 60  # one entry per user, ledger and key a minute: no flooding


def denied(ledger: Ledger, who, key: str, status: int) -> None:
    """Record a refusal of the doors: who, ledger, key, method and path, status."""
    from .audit import audit_record
    from .models import AuditEntry

    if isinstance(who, Scope) or who is None or not getattr(who, "pk", None):
        return  # the command line is never refused; nobody is not anybody to record
    since = timezone.now() - timedelta(seconds=DENIED_QUIET_SECONDS)
    recent = AuditEntry.objects.filter(
        action=DENIED, ledger=ledger.name, object_key=str(key)[:64], actor_id=who.pk, at__gte=since
    )
    if recent.exists():
        return
    here = source.current()
    audit_record(
        actor=who,
        action=DENIED,
        ledger=ledger.name,
        key=key,
        after={"method": here.method, "path": here.path, "status": status},
    )


# -- personal data: what leaves the read door masked ----------------------------------


def masker(ledger: Ledger, who):
    """A function (values, scope path) -> values with the personal columns masked unless
    `who` holds one of the ledger's unmasking roles over that path; None when nothing
    is ever masked for them (no personal column, the command line, clear everywhere)."""
    columns = ledger.personal_columns
    scope = scope_for(who)
    if not columns or scope.everything:
        return None
    roles = ledger.unmasking_roles
    if ledger.scope_path is None:
        root = tree.root_of(scope)
        if root is not None and scope.covers(root.path, roles):
            return None
        return lambda values, path: mask_row(columns, values)
    if not scope.holds(ledger.read_roles - roles):
        return None  # every row they read, they read through an unmasking role

    def apply(values: dict, path) -> dict:
        if path is not None and scope.covers(path, roles):
            return values
        return mask_row(columns, values)

    return apply


def shown_values(ledger: Ledger, who, obj) -> dict:
    """The canonical values of a fetched row, as `who` may see them."""
    values = ledger.values(obj)
    mask = masker(ledger, who)
    return values if mask is None else mask(values, row_path(ledger, obj))


def shown_rows(ledger: Ledger, who, queryset, columns=None) -> list[dict]:
    """`ledger.read_values` of rows read through this door, as `who` may see them."""
    mask = masker(ledger, who)
    if mask is None:
        return ledger.read_values(queryset, columns)
    paths: list = []
    rows = ledger.read_values(queryset, columns, paths=paths)
    return [mask(values, path) for values, path in zip(rows, paths, strict=True)]


def clear_everywhere(ledger: Ledger, who) -> bool:
    """Whether `who` sees every personal value they read in clear."""
    return masker(ledger, who) is None


def clear_q(ledger: Ledger, who) -> Q:
    """Rows whose personal columns `who` sees in clear (to search them by those)."""
    scope = scope_for(who)
    if scope.everything or ledger.scope_path is None:
        return Q() if masker(ledger, who) is None else Q(pk__in=[])
    return scope.q(ledger.scope_path, ledger.unmasking_roles)


def row_writable(ledger: Ledger, who, obj) -> bool:
    """Whether `who` holds a write role over this (fetched) row's path."""
    scope = scope_for(who)
    return path_writable(ledger, scope, row_path(ledger, obj))


def path_writable(ledger: Ledger, scope: Scope, path: str | None) -> bool:
    if scope.everything:
        return True
    if ledger.scope_path is None:
        root = tree.root_of(scope)
        path = root.path if root else None
    return path is not None and scope.covers(path, ledger.write_roles)


def row_path(ledger: Ledger, obj) -> str | None:
    if ledger.scope_path is None:
        return None
    return obj.scope_path


def org_path_for_read(who, code: str) -> str | None:
    """The path of an organization the scope holds with any role, else None. A list or
    figure filtered by it keeps the rows the read door gives: it only narrows them (a
    code outside every grant finds nothing)."""
    scope = scope_for(who)
    orgs = scope.filter(tree.live_orgs().filter(code=code), "path", scope.roles)
    return orgs.values_list("path", flat=True).first()


# -- exports of personal data, and the audit ----------------------------------------


def export_cap(ledger: Ledger, who, queryset: QuerySet) -> tuple[int | None, int]:
    """(cap, rows counted against it) for exporting `queryset` (read through this door).
    Ledgers with personal columns only: rows read through a role without a cap in
    TAIZHANG_EXPORT_LIMITS (those who maintain the data) are not counted; the rest may
    number at most the largest cap among the user's capped roles. (None, 0): no cap."""
    from django.conf import settings

    scope = scope_for(who)
    if not ledger.personal_columns or scope.everything:
        return None, 0
    limits = settings.EXPORT_LIMITS
    held = scope.roles & ledger.read_roles
    capped = {role: int(limits[role]) for role in held if role in limits}
    if not capped:
        return None, 0
    free = held - set(capped)
    counted = queryset
    if free:
        if ledger.scope_path is None:
            return None, 0
        counted = queryset.exclude(scope.q(ledger.scope_path, free))
    return max(capped.values()), counted.count()


def may_read_audit(who) -> bool:
    """Whether `who` reads the audit: a grant with one of TAIZHANG_AUDIT_ROLES over the
    root of the org tree (三员分立: the security administrator and the auditor, not
    the system administrator)."""
    from django.conf import settings

    scope = scope_for(who)
    roles = frozenset(settings.AUDIT_ROLES)
    return any(role in roles and path_is_root(path) for path, role in scope.grants)
