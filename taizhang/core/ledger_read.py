"""Reading ledger rows: every user-facing read goes through here, scoped to the caller."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from taizhang.accounts.selectors import scope_for

from .ledger import Column, Ledger, registry


def can_read(ledger: Ledger, user) -> bool:
    return bool(scope_for(user).roles & ledger.read_roles)


def can_write(ledger: Ledger, user) -> bool:
    return bool(scope_for(user).roles & ledger.write_roles)


def ledger_rows(ledger: Ledger, user, *, archived: bool = False) -> QuerySet:
    """The rows this user may see; PermissionDenied if their roles do not read this ledger."""
    if not can_read(ledger, user):
        raise PermissionDenied("您没有查看此台账的权限")
    queryset = ledger.queryset().filter(archived_at__isnull=not archived)
    if ledger.scope_path is not None:
        queryset = scope_for(user).filter(queryset, ledger.scope_path)
    return queryset


def ledger_row(ledger: Ledger, user, key: str, *, archived: bool | None = False):
    """One row by its key; 404 when it does not exist or lies outside the caller's scope."""
    queryset = ledger_rows(ledger, user, archived=bool(archived))
    if archived is None:
        queryset = queryset | ledger_rows(ledger, user, archived=True)
    try:
        return queryset.get(**{ledger.key.attr: key})
    except ledger.model.DoesNotExist:
        raise Http404("记录不存在") from None


def sort_lookup(column: Column) -> str:
    if column.kind == "ref":
        return f"{column.attr}__{registry[column.ref].key.attr}"
    return column.attr


def ledger_search(
    ledger: Ledger,
    user,
    *,
    q: str = "",
    org: str = "",
    filters: dict | None = None,
    sort: str = "",
    archived: bool = False,
) -> QuerySet:
    queryset = ledger_rows(ledger, user, archived=archived)
    if org and ledger.scope_path is not None:
        from taizhang.orgs.models import Organization

        path = (
            scope_for(user)
            .filter(Organization.objects.filter(code=org), "path")
            .values_list("path", flat=True)
            .first()
        )
        queryset = (
            queryset.filter(**{f"{ledger.scope_path}__startswith": path})
            if path
            else queryset.none()
        )
    if q := q.strip():
        query = Q()
        for lookup in ledger.search_fields:
            if lookup == "name_initials":
                query |= Q(name_initials__contains=" " + q.lower())
            else:
                query |= Q(**{f"{lookup}__icontains": q})
        queryset = queryset.filter(query)
    queryset = filter_rows(ledger, queryset, filters or {})
    order = ledger.default_order
    if sort:
        name = sort.lstrip("-")
        columns = {c.field: c for c in ledger.columns if not c.many}
        if name in columns:
            order = ("-" if sort.startswith("-") else "") + sort_lookup(columns[name])
    return queryset.order_by(order, "pk")


def filter_rows(ledger: Ledger, queryset: QuerySet, filters: dict) -> QuerySet:
    """Keep rows whose enumeration or yes/no columns hold the given values."""
    for field_name, value in filters.items():
        column = ledger.column(field_name)
        if column.kind == "bool":
            queryset = queryset.filter(**{column.attr: value in ("是", "true", "1", True)})
        elif column.kind == "choices":
            queryset = queryset.filter(**{f"{column.attr}__contains": value})
        else:
            queryset = queryset.filter(**{column.attr: value})
    return queryset
