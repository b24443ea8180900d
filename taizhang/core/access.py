"""The two doors of the engine: fetch for read, fetch for write.

Every page, API route, export, template, import, archive, restore, figure and drill-down
asks here, and nowhere else, whether a user may see or change a ledger's rows:

- reading: the rows whose scope path lies in a subtree the user holds with one of the
  ledger's read roles; a row outside that is 404 (its existence is never revealed);
- writing: the row's path must lie in a subtree held with one of the ledger's write
  roles; a row the user may read but not write is 403.

A ledger whose `scope_path` is None is a district-wide reference list: every holder of a
read role reads it; writing it needs a write role over the root."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from . import tree
from .ledger import Ledger
from .scope import Scope, scope_for

NOT_READABLE = "您没有查看此台账的权限"
NOT_WRITABLE = "您没有修改此台账的权限"
OUT_OF_REACH = "您没有修改这条记录的权限"


def may_read(ledger: Ledger, who) -> bool:
    """Whether `who` (a user or a Scope) reads any row of this ledger."""
    return scope_for(who).holds(ledger.read_roles)


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
        raise Http404("记录不存在") from None


def fetch_for_write(ledger: Ledger, who, key: str, *, archived: bool | None = False):
    """One row the user will change: 404 outside read scope, 403 where they may only read."""
    obj = fetch_for_read(ledger, who, key, archived=archived)
    if not row_writable(ledger, who, obj):
        raise PermissionDenied(OUT_OF_REACH if may_write(ledger, who) else NOT_WRITABLE)
    return obj


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
