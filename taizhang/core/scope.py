"""Data scope: which subtrees of the org tree a user holds, and with which role.

A grant is (organization path, role). Every question the engine asks is role-aware —
"does this user hold one of these roles over this path?" — so that a member grant on one
branch never widens what an org admin of another may read, and an inspector grant on the
district never lets its holder write there."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    grants: tuple[tuple[str, str], ...]  # (org path, role)
    everything: bool = False  # the operator at the command line, the demo, the worker

    @classmethod
    def all(cls) -> "Scope":
        return cls(grants=(), everything=True)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _, role in self.grants)

    def paths(self, roles: Iterable[str] | None = None) -> tuple[str, ...]:
        """The minimal set of granted paths, held with one of `roles` (any role if None)."""
        wanted = None if roles is None else frozenset(roles)
        return _minimal({p for p, role in self.grants if wanted is None or role in wanted})

    def holds(self, roles: Iterable[str]) -> bool:
        """Whether one of `roles` is held anywhere."""
        return self.everything or bool(self.roles & frozenset(roles))

    def covers(self, path: str, roles: Iterable[str]) -> bool:
        """Whether `path` lies in a subtree granted with one of `roles`."""
        if self.everything:
            return True
        wanted = frozenset(roles)
        return any(path.startswith(p) and role in wanted for p, role in self.grants)

    def q(self, path_lookup: str, roles: Iterable[str]) -> Q:
        """The predicate "the row's path lies in a subtree held with one of `roles`"."""
        if self.everything:
            return Q()
        paths = self.paths(roles)
        if not paths:
            return Q(pk__in=[])
        if any(path_is_root(path) for path in paths):
            # The tree has one root: its subtree is every row. No predicate, so that the
            # district's list is read in its own order from the key's index, not sorted.
            return Q()
        query = Q()
        for path in paths:
            query |= subtree_q(path_lookup, path)
        return query

    def filter(self, queryset: QuerySet, path_lookup: str, roles: Iterable[str]) -> QuerySet:
        return queryset.filter(self.q(path_lookup, roles))


NOBODY = Scope(grants=())


def path_is_root(path: str) -> bool:
    from .tree import PATH_STEP

    return len(path) == PATH_STEP + 1


def subtree_q(path_lookup: str, path: str) -> Q:
    """Rows whose path lies under `path`, as a range (path ≤ p < the next path), which
    every database answers from a plain index — unlike LIKE 'path%', which PostgreSQL
    cannot under a non-C collation."""
    upper = path[:-1] + chr(ord(path[-1]) + 1)
    return Q(**{f"{path_lookup}__gte": path, f"{path_lookup}__lt": upper})


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop every path that lies under another: the union stays the same."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scope_for(user) -> Scope:
    """The scope of a request's user, cached on it. Nobody (no user, anonymous, inactive)
    holds nothing; the command line passes `Scope.all()` explicitly. The user model
    provides `scope_grants()`: (org path, role) of each grant."""
    if isinstance(user, Scope):
        return user
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_taizhang_scope", None)
    if cached is None:
        cached = Scope(grants=tuple(sorted(user.scope_grants())))
        user._taizhang_scope = cached
    return cached
