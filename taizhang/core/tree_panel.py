"""The org tree beside a scoped list: from the top of what the user reads in this ledger
down to the organization the list is filtered to, each node with the number of the
ledger's rows in its subtree (within read scope) — counted in one grouped query per
level — and its children loaded when opened."""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from . import tree
from .access import org_path_for_read, rows_for_read
from .ledger import Ledger
from .scope import scope_for


@dataclass
class Node:
    code: str
    name: str
    path: str
    count: int
    has_children: bool
    current: bool = False


def _counts_below(ledger: Ledger, user, parent_path: str) -> dict[str, int]:
    """{child path: rows in its subtree} for the children of `parent_path`, one query."""
    width = len(parent_path) + tree.PATH_STEP + 1
    lookup = ledger.scope_path
    rows = rows_for_read(ledger, user).filter(**{f"{lookup}__startswith": parent_path})
    grouped = (
        rows.annotate(prefix=Substr(lookup, 1, width)).values("prefix").annotate(n=Count("pk"))
    )
    return {g["prefix"]: g["n"] for g in grouped}


def _nodes(ledger: Ledger, user, orgs, counts: dict[str, int], current: str = "") -> list[Node]:
    with_children = set(
        tree.live_orgs().filter(parent__in=orgs).values_list("parent_id", flat=True).distinct()
    )
    return [
        Node(
            o.code, o.name, o.path, counts.get(o.path, 0), o.pk in with_children, o.path == current
        )
        for o in orgs
    ]


def _subtree_count(ledger: Ledger, user, path: str) -> int:
    return rows_for_read(ledger, user).filter(**{f"{ledger.scope_path}__startswith": path}).count()


def children(ledger: Ledger, user, parent_code: str) -> list[Node]:
    """The children of an organization the user reads this ledger in, with counts."""
    path = org_path_for_read(user, parent_code)
    if path is None or not scope_for(user).covers(path, ledger.read_roles):
        return []
    orgs = list(tree.live_orgs().filter(parent__path=path).order_by("code"))
    return _nodes(ledger, user, orgs, _counts_below(ledger, user, path))


def panel(ledger: Ledger, user, org_code: str = "") -> dict:
    """The tops of the user's scope for this ledger, the way down to `org_code` (a
    breadcrumb: the way back up), and its children."""
    scope = scope_for(user)
    roles = ledger.read_roles
    tops = list(tree.live_orgs().filter(path__in=scope.paths(roles)).order_by("path"))
    current = org_path_for_read(user, org_code) if org_code else None
    if current is None or not scope.covers(current, roles):
        current = tops[0].path if len(tops) == 1 else None
    if current is None:
        counts = {o.path: _subtree_count(ledger, user, o.path) for o in tops}
        return {"trail": [], "node": None, "children": _nodes(ledger, user, tops, counts)}
    top = next(t for t in tops if current.startswith(t.path))
    ids = tree.path_ids(current)[len(tree.path_ids(top.path)) - 1 :]
    by_id = {o.pk: o for o in tree.live_orgs().filter(pk__in=ids)}
    way = [by_id[i] for i in ids if i in by_id]
    node = way[-1]
    kids = list(tree.live_orgs().filter(parent=node).order_by("code"))
    return {
        "trail": way[:-1],
        "node": Node(
            node.code,
            node.name,
            node.path,
            _subtree_count(ledger, user, node.path),
            bool(kids),
            current=True,
        ),
        "children": _nodes(ledger, user, kids, _counts_below(ledger, user, node.path)),
        "tops": tops if len(tops) > 1 else [],
    }
