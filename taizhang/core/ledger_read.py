"""Searching a ledger's rows: the list page, the API list and exports, always through
the read door (core/access.py)."""

from django.db.models import Q, QuerySet

from .access import clear_everywhere, clear_q, org_path_for_read, rows_for_read
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
    personal = {c.field for c in ledger.personal_columns}
    if q := q.strip():
        query = Q()
        for lookup in ledger.search_fields:
            if lookup == "name_initials":
                query |= Q(name_initials__contains=" " + q.lower())
            elif lookup in personal:
                # Found by a personal value only where the user sees it in clear: a
                # masked number cannot be probed digit by digit.
                query |= Q(**{f"{lookup}__icontains": q}) & clear_q(ledger, user)
            else:
                query |= Q(**{f"{lookup}__icontains": q})
        queryset = queryset.filter(query)
    queryset = filter_rows(ledger, queryset, filters or {})
    order = ledger.default_order
    if sort:
        name = sort.lstrip("-")
        sortable = clear_everywhere(ledger, user)
        columns = {
            c.field: c
            for c in ledger.columns
            if c.kind.sort_lookup(c) and (sortable or c.field not in personal)
        }
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


def describe_search(ledger: Ledger, params: dict) -> str:
    """A list's filter in words, for the audit of an export: 组织 QSH-A（含下级）；搜索“张”…"""
    parts = []
    if params.get("figure") is not None:
        parts.append(f"统计数字“{params['figure'].label}”")
        if window := params.get("window"):
            if described := window.describe():
                parts.append(described)
    if params.get("org"):
        parts.append(f"组织 {params['org']}（含下级）")
    if params.get("q", "").strip():
        parts.append(f"搜索“{params['q'].strip()}”")
    for field_name, value in (params.get("filters") or {}).items():
        parts.append(f"{ledger.column(field_name).header}：{value}")
    if params.get("archived"):
        parts.append("已归档")
    return "；".join(parts) or "全部（您的范围内）"


def search_record(ledger: Ledger, params: dict) -> dict:
    """The filter of an export as the audit keeps it: in words and as parameters."""
    window = params.get("window")
    recorded = {
        "q": params.get("q", ""),
        "org": params.get("org", ""),
        "filters": dict(params.get("filters") or {}),
        "sort": params.get("sort", ""),
        "archived": bool(params.get("archived")),
    }
    if params.get("figure") is not None:
        recorded["figure"] = params["figure"].key
        recorded["from"] = window.date_from.isoformat() if window and window.date_from else ""
        recorded["to"] = window.date_to.isoformat() if window and window.date_to else ""
    return {"filter": describe_search(ledger, params), "params": recorded}
