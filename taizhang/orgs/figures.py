"""Figures of the org tree and people (LEDGERS.md §4, group `orgs`)."""

from django.db.models import Q

from taizhang.core.figures import Figure, figure_group, register_figures

figure_group("orgs", "组织与人员", order=10)
register_figures(
    Figure("orgs.organizations", "组织", "orgs"),
    Figure("orgs.branches", "党支部", "orgs", Q(kind="党支部"), note="组织类别为党支部"),
    Figure("orgs.members", "党员", "people", Q(is_member=True), note="党员为“是”的人员"),
    Figure("orgs.leaders", "县处级领导", "people", Q(is_leader=True), note="县处级领导为“是”"),
)
