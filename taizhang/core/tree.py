"""The one module through which the engine reaches the org tree.

The tree is whichever registered ledger declares `tree = True` (the `orgs` ledger); the
engine knows only its materialized paths: fixed-width ids joined by dots
("00000001.00000005.00000023."), so that a subtree is one indexed prefix predicate and
sorting by path lists the tree depth-first."""

from functools import cache

PATH_STEP = 8  # digits per level: 10^8 organizations


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_STEP}d}."


def path_root_id(path: str) -> int:
    return int(path[:PATH_STEP])


def path_ids(path: str) -> list[int]:
    """The ids along a path, root first."""
    return [int(path[i : i + PATH_STEP]) for i in range(0, len(path), PATH_STEP + 1)]


@cache
def tree_ledger():
    from .ledger import registry

    trees = [ledger for ledger in registry.values() if ledger.tree]
    if len(trees) != 1:
        raise LookupError("exactly one registered ledger must declare tree = True")
    return trees[0]


def tree_model():
    return tree_ledger().model


def live_orgs():
    return tree_model().objects.filter(archived_at=None)


def root_of(scope):
    """The root organization the scope lies in (the first root for everything), or None."""
    roots = tree_model().objects.filter(parent=None)
    if not scope.everything:
        root_ids = {path_root_id(path) for path in scope.paths()}
        roots = roots.filter(id__in=root_ids)
    return roots.order_by("id").first()


def home_of(scope, roles):
    """Where a writer's rows without an organization go (an enterprise with no 属地): the
    one organization they hold with `roles` (a district office: its district), else the
    root of the tree they are in."""
    if not scope.everything:
        paths = scope.paths(roles)
        if len(paths) == 1:
            home = live_orgs().filter(path=paths[0]).first()
            if home is not None:
                return home
    return root_of(scope)


def org_named_at(path: str) -> str:
    """ "QSH-12-Z01-02 某某村党支部": the organization a path ends at, as a clerk reads it."""
    found = tree_model().objects.filter(pk=path_ids(path)[-1]).values_list("code", "name")
    return " ".join(found[0]) if found else ""


def paths_by_code(codes) -> dict[str, str]:
    codes = list(codes)
    found = {}
    for start in range(0, len(codes), 500):
        found.update(
            live_orgs().filter(code__in=codes[start : start + 500]).values_list("code", "path")
        )
    return found


def paths_by_id(ids) -> dict[int, str]:
    return paths_of("id", ids)


def paths_of(lookup: str, values) -> dict:
    """{value: path} of the organizations whose `lookup` (code or id) is in `values`, as
    a write reads them: on PostgreSQL the rows are share-locked until it commits, so that
    an organization cannot move between a write reading its path and storing it (a move
    waits for the write; a write waits for a move in progress, then reads the new path)."""
    from django.db import connection

    values = list(values)
    found = {}
    model = tree_model()
    lock = connection.vendor == "postgresql" and connection.in_atomic_block
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        if not lock:
            found.update(
                model.objects.filter(**{f"{lookup}__in": chunk}).values_list(lookup, "path")
            )
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(lookup).column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column}, path FROM {table} WHERE {column} = ANY(%s) FOR SHARE", [chunk]
            )
            found.update(cursor.fetchall())
    return found


def codes_in(scope, roles, limit: int = 5000) -> list[str]:
    """Organization codes the scope holds with one of `roles`, in tree order."""
    orgs = scope.filter(live_orgs(), "path", roles).order_by("path")
    return list(orgs.values_list("code", flat=True)[:limit])


def named_codes_in(scope, roles, limit: int = 5000) -> list[str]:
    """The same organizations as "编码 名称" (what a template's drop-down offers; the
    import reads the code back)."""
    orgs = scope.filter(live_orgs(), "path", roles).order_by("path")
    return [f"{code} {name}" for code, name in orgs.values_list("code", "name")[:limit]]


def org_pick(scope, *, q: str = "", parent: str = "", limit: int = 30) -> list:
    """Organizations for the picker: matches of `q`, or the children of `parent`, or the
    top of the scope (any role)."""
    from django.db.models import Q

    # Only the subtrees held with a role that reads the org tree (a member grant shows
    # nothing of its branch's organizations).
    roles = tree_ledger().read_roles
    queryset = scope.filter(live_orgs(), "path", roles).select_related("parent")
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    elif parent:
        queryset = queryset.filter(parent__code=parent)
    else:
        queryset = queryset.filter(path__in=scope.paths(roles))
    return list(queryset.order_by("depth", "code")[:limit])


def children_counts(orgs: list) -> dict[int, int]:
    from django.db.models import Count

    rows = live_orgs().filter(parent__in=orgs).values("parent_id").annotate(n=Count("id"))
    return {r["parent_id"]: r["n"] for r in rows}


def district_codes(paths) -> dict[str, str]:
    """The district (tenant) key of each path: the code of its nearest ancestor (or
    itself) of the tree's district kind (区委), else of its root. A province deployment holds
    several districts under one root; each row carries its own district's code."""
    paths = [p for p in paths if p]
    ids = {pk for path in paths for pk in path_ids(path)}
    kind = getattr(tree_ledger(), "district_kind", None)
    orgs = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        orgs.update(
            (pk, (code, org_kind))
            for pk, code, org_kind in tree_model()
            .objects.filter(id__in=ids[start : start + 500])
            .values_list("id", "code", "kind")
        )
    found = {}
    for path in paths:
        chain = [orgs[pk] for pk in path_ids(path) if pk in orgs]
        district = next((code for code, org_kind in reversed(chain) if org_kind == kind), None)
        found[path] = district or (chain[0][0] if chain else "")
    return found


def subtree_moved(old_path: str, new_path: str) -> None:
    """An organization moved: every row of every ledger scoped under it follows, its
    scope path rewritten, then its district key recomputed (a move may cross districts)."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from .ledger import registry
    from .scope import subtree_q

    for ledger in registry.values():
        if ledger.scope_path is None:
            continue
        ledger.model.objects.filter(subtree_q("scope_path", old_path)).update(
            scope_path=Concat(Value(new_path), Substr("scope_path", len(old_path) + 1))
        )
    redistrict(new_path)


def redistrict(path: str) -> None:
    """Recompute the district key of every row scoped under `path` (after a move, or
    when an organization becomes or stops being a 区委): each row takes the district of
    the organization it is scoped by, nested districts included."""
    from .ledger import registry
    from .scope import subtree_q

    paths = list(live_orgs().filter(subtree_q("path", path)).values_list("path", flat=True))
    paths += list(
        tree_model()
        .objects.filter(subtree_q("path", path), archived_at__isnull=False)
        .values_list("path", flat=True)
    )
    by_district: dict[str, list[str]] = {}
    for org_path, code in district_codes(paths).items():
        by_district.setdefault(code, []).append(org_path)
    for ledger in registry.values():
        if ledger.scope_path is None:
            continue
        for code, org_paths in by_district.items():
            for start in range(0, len(org_paths), 500):
                ledger.model.objects.filter(scope_path__in=org_paths[start : start + 500]).exclude(
                    district=code
                ).update(district=code)
