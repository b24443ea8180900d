"""The figures of LEDGERS.md §4, each declared as a count over one ledger's rows, so that
every number on a page links to exactly the rows it counts."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    group: str
    key: str
    label: str
    ledger: str
    filters: dict = field(default_factory=dict)
    date_field: str | None = None  # the ledger's own date, for --from / --to


FIGURES = [
    Figure("orgs", "organizations", "组织", "orgs"),
    Figure("orgs", "branches", "党支部", "orgs", {"kind": "党支部"}),
    Figure("orgs", "members", "党员", "people", {"is_member": "是"}),
    Figure("orgs", "leaders", "县处级领导", "people", {"is_leader": "是"}),
]

GROUP_TITLES = {"orgs": "组织与人员"}
