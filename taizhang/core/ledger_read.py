"""Searching a ledger's rows: the list page, the API list and exports, always through
the read door (core/access.py)."""

from django.db.models import Q, QuerySet

from .access import org_path_for_read, rows_for_read
from .ledger import Ledger
from .scope import subtree_q


def ledger_search(
    ledger: Ledger,
    user,
    *,
    q: str = "",
    org: str = "",
    filters: dict | None = None,
    sort: str = "",
    archived: bool = False,
    figure=None,
    window=None,
) -> QuerySet:
    """The rows a list shows. `figure` (with its `window`) narrows to exactly the rows
    that figure counts."""
    queryset = rows_for_read(ledger, user, archived=archived)
    if figure is not None:
        queryset = queryset.filter(pk__in=figure.rows(window).values("pk"))
    if org and ledger.scope_path is not None:
        path = org_path_for_read(user, org)
        queryset = queryset.filter(subtree_q(ledger.scope_path, path)) if path else queryset.none()
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
        columns = {c.field: c for c in ledger.columns if c.kind.sort_lookup(c)}
        if name in columns:
            column = columns[name]
            order = ("-" if sort.startswith("-") else "") + column.kind.sort_lookup(column)
    return queryset.order_by(order, "pk")


def filter_rows(ledger: Ledger, queryset: QuerySet, filters: dict) -> QuerySet:
    """Keep rows whose enumeration or yes/no columns hold the given values."""
    for field_name, value in filters.items():
        column = ledger.column(field_name)
        queryset = column.kind.filter(column, queryset, value)
    return queryset
