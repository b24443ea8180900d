"""Computing the figures for a scope: a user's grants, or the whole database at the
command line, optionally narrowed to one organization's subtree and a date range."""

from taizhang.accounts.selectors import scope_for
from taizhang.core.ledger import registry
from taizhang.core.ledger_read import filter_rows
from taizhang.orgs.models import Organization

from .figures import FIGURES, Figure


class UnknownOrg(LookupError):
    pass


def _org_path(code: str, user) -> str:
    queryset = Organization.objects.filter(code=code, archived_at=None)
    if user is not None:
        queryset = scope_for(user).filter(queryset, "path")
    path = queryset.values_list("path", flat=True).first()
    if path is None:
        raise UnknownOrg(f"组织“{code}”不存在")
    return path


def figure_rows(figure: Figure, *, user=None, org_path: str = "", date_from=None, date_to=None):
    """The rows one figure counts; `org_path` narrows to a subtree already in scope."""
    ledger = registry[figure.ledger]
    queryset = ledger.model.objects.filter(archived_at=None)
    if user is not None and ledger.scope_path is not None:
        queryset = scope_for(user).filter(queryset, ledger.scope_path)
    if org_path and ledger.scope_path is not None:
        queryset = queryset.filter(**{f"{ledger.scope_path}__startswith": org_path})
    if figure.date_field:
        column = ledger.column(figure.date_field)
        attr = f"{column.attr}__date" if column.kind == "datetime" else column.attr
        if date_from:
            queryset = queryset.filter(**{f"{attr}__gte": date_from})
        if date_to:
            queryset = queryset.filter(**{f"{attr}__lte": date_to})
    return filter_rows(ledger, queryset, figure.filters)


def figures(*, user=None, org: str = "", date_from=None, date_to=None) -> dict[str, dict[str, int]]:
    """{"orgs": {"organizations": 1234, …}, …}. `user` None means the whole database."""
    org_path = _org_path(org, user) if org else ""
    result: dict[str, dict[str, int]] = {}
    for figure in FIGURES:
        count = figure_rows(
            figure, user=user, org_path=org_path, date_from=date_from, date_to=date_to
        ).count()
        result.setdefault(figure.group, {})[figure.key] = count
    return result
