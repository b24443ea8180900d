"""Data scope: the union of a user's granted subtrees, applied in one place."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Grant, Role


@dataclass(frozen=True)
class Scope:
    """What one user may see (any grant) and, per role, where they hold it."""

    grants: tuple[tuple[str, str], ...]  # (org path, role)

    @property
    def paths(self) -> tuple[str, ...]:
        return _minimal({path for path, _ in self.grants})

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for _, role in self.grants)

    def q(self, path_lookup: str = "org__path") -> Q:
        paths = self.paths
        if not paths:
            return Q(pk__in=[])
        query = Q()
        for path in paths:
            query |= Q(**{f"{path_lookup}__startswith": path})
        return query

    def filter(self, queryset: QuerySet, path_lookup: str = "org__path") -> QuerySet:
        return queryset.filter(self.q(path_lookup))

    def covers(self, path: str, roles=None) -> bool:
        """Whether `path` lies in a subtree granted with one of `roles` (any role if None)."""
        return any(
            path.startswith(granted) and (roles is None or role in roles)
            for granted, role in self.grants
        )


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop every path that lies under another: the union stays the same."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(grants=())
    cached = getattr(user, "_taizhang_scope", None)
    if cached is None:
        rows = Grant.objects.filter(user=user, org__archived_at=None).values_list(
            "org__path", "role"
        )
        cached = Scope(grants=tuple(sorted(rows)))
        user._taizhang_scope = cached
    return cached


def user_roles_display(user) -> list[str]:
    labels = dict(Role.choices)
    return [
        f"{labels[role]}·{name}"
        for role, name in Grant.objects.filter(user=user).values_list("role", "org__name")
    ]
