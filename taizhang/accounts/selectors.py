"""Reads of users and grants."""

from .models import Grant, Role


def user_roles_display(user) -> list[str]:
    labels = dict(Role.choices)
    return [
        f"{labels[role]}·{name}"
        for role, name in Grant.objects.filter(user=user).values_list("role", "org__name")
    ]
