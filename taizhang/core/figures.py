"""Figures: every number the office reports is a count of one ledger's rows, declared
once, computed for an explicit scope and window, and drillable to exactly those rows.

An app declares its figures in its `figures.py`:

    figure_group("rectification", "检视整改", order=60)
    register_figures(
        Figure("rectification.measures_done", "已整改到位", "measures",
               where=Q(status__in=["已完成", "已销号"])),
        Figure("study.members_not_reached", "尚未参学党员", "people",
               where=lambda w: Q(is_member=True)
               & ~Q(pk__in=w.rows("study_sessions").values("attendees"))),
    )

`where` is a Q over the ledger's model, or a function of the Window returning one — so
that distinct counts ("people among the visitors of …") and anti-joins ("members who
attended no session in the window") are declared the same way as plain filters."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .access import org_path_for_read, rows_for_read
from .ledger import registry
from .scope import Scope, subtree_q


class UnknownOrg(LookupError):
    """An --org / ?org= that does not exist or lies outside the caller's scope."""


@dataclass(frozen=True)
class Window:
    """Who is asking (their scope), which subtree, which dates."""

    scope: Scope
    org_path: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def rows(self, ledger_name: str) -> QuerySet:
        """Live rows of a ledger the scope reads, under the organization, within the
        dates by the ledger's own date field. PermissionDenied if it reads no row."""
        ledger = registry[ledger_name]
        queryset = rows_for_read(ledger, self.scope).order_by()
        if self.org_path and ledger.scope_path is not None:
            queryset = queryset.filter(subtree_q(ledger.scope_path, self.org_path))
        if (lookup := ledger.date_lookup()) is not None:
            if self.date_from:
                queryset = queryset.filter(**{f"{lookup}__gte": self.date_from})
            if self.date_to:
                queryset = queryset.filter(**{f"{lookup}__lte": self.date_to})
        return queryset

    def describe(self) -> str:
        """The window in Chinese, for the drill-down page."""
        parts = []
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "开始"
            end = self.date_to.isoformat() if self.date_to else "现在"
            parts.append(f"日期 {start} 至 {end}")
        return "，".join(parts)


@dataclass(frozen=True)
class Figure:
    key: str  # "group.name", the fixed names of LEDGERS.md §4
    label: str
    ledger: str  # the ledger whose rows are counted (and shown on drill-down)
    where: Q | Callable[[Window], Q] | None = None
    note: str = ""  # how it is counted, in Chinese
    # A figure that is not a count of its rows (pairs of rows, say): a function of the
    # window and the rows returning the number; the rows are still what it drills to.
    counter: Callable[[Window, QuerySet], int] | None = None
    # The page that shows what it counts better than the ledger's list (a URL name taking
    # ?from=&to=&org=), when there is one.
    page: str = ""
    unit: str = "条"  # what it counts, in Chinese (对 for pairs)

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    def rows(self, window: Window) -> QuerySet:
        queryset = window.rows(self.ledger)
        where = self.where(window) if callable(self.where) else self.where
        return queryset if where is None else queryset.filter(where)

    def count(self, window: Window) -> int:
        return self.counted(window, self.rows(window))

    def counted(self, window: Window, rows: QuerySet) -> int:
        return rows.count() if self.counter is None else self.counter(window, rows)


@dataclass(frozen=True)
class FigureGroup:
    name: str
    title: str
    order: int = 100


figure_registry: dict[str, Figure] = {}
group_registry: dict[str, FigureGroup] = {}


def figure_group(name: str, title: str, order: int = 100) -> FigureGroup:
    group = group_registry[name] = FigureGroup(name, title, order)
    return group


def register_figures(*figures: Figure) -> None:
    for figure in figures:
        if figure.group not in group_registry:
            raise LookupError(f"figure {figure.key}: declare figure_group({figure.group!r}) first")
        figure_registry[figure.key] = figure


def ordered_figures() -> list[Figure]:
    """Figures grouped in their groups' order, each group in declaration order."""
    order = {name: (g.order, i) for i, (name, g) in enumerate(group_registry.items())}
    return sorted(figure_registry.values(), key=lambda f: order[f.group])


def window_for(scope: Scope, *, org: str = "", date_from=None, date_to=None) -> Window:
    """A window for `scope`; UnknownOrg when `org` is unknown or outside it."""
    org_path = ""
    if org:
        org_path = org_path_for_read(scope, org) or ""
        if not org_path:
            raise UnknownOrg(f"组织“{org}”不存在或不在您的范围内")
    return Window(scope=scope, org_path=org_path, date_from=date_from, date_to=date_to)


def figures_counted(window: Window) -> list[tuple[Figure, int]]:
    """(figure, count) of every figure whose ledgers the window's scope reads, in order;
    a member is refused the people counts as they are refused the list."""
    counted = []
    for figure in ordered_figures():
        try:
            rows = figure.rows(window)
        except PermissionDenied:
            continue
        counted.append((figure, figure.counted(window, rows)))
    return counted


def figures_compute(window: Window) -> dict[str, dict[str, int]]:
    """{"orgs": {"organizations": 1234, …}, …}: the figures the window's scope reads."""
    result: dict[str, dict[str, int]] = {}
    for figure, count in figures_counted(window):
        result.setdefault(figure.group, {})[figure.name] = count
    return result
