"""Scoped reads of the org tree."""

from django.db.models import Q

from taizhang.accounts.selectors import scope_for

from .models import Organization


def orgs_in_scope(user):
    return scope_for(user).filter(Organization.objects.filter(archived_at=None), "path")


def org_codes_in_scope(user, limit: int = 5000) -> dict[str, list[str]]:
    """Codes a template offers in its drop-downs."""
    codes = list(orgs_in_scope(user).order_by("path").values_list("code", flat=True)[:limit])
    return {"orgs": codes}


def org_pick(user, *, q: str = "", parent: str = "", limit: int = 30) -> list[Organization]:
    """Organizations for the picker: matches of `q`, or the children of `parent`, or the
    top of the caller's scope."""
    queryset = orgs_in_scope(user).select_related("parent")
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    elif parent:
        queryset = queryset.filter(parent__code=parent)
    else:
        queryset = queryset.filter(path__in=scope_for(user).paths)
    return list(queryset.order_by("depth", "code")[:limit])


def org_children_counts(orgs: list[Organization]) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Organization.objects.filter(parent__in=orgs, archived_at=None)
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return {r["parent_id"]: r["n"] for r in rows}
