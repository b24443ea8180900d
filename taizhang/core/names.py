"""Names beside codes: wherever a reference is shown (lists, detail, previews), the
referenced row's name follows its code — "QSH-12-Z01-02 湖坊镇某某村党支部" — read
through the read door, so a row the reader may not see shows its code only."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied

from .ledger import Column, registry

REF_KINDS = ("ref", "refs", "anyref")


def ref_columns(columns) -> list[Column]:
    return [c for c in columns if c.kind.name in REF_KINDS]


def ref_names(who, columns, rows) -> dict[str, dict[str, str]]:
    """{column field: {code: name}} for the reference columns among `columns`, over the
    codes the `rows` (dicts of canonical values) hold. One query per target ledger."""
    from .access import rows_for_read

    wanted: dict[str, set[str]] = defaultdict(set)
    targets_of = {}
    for column in ref_columns(columns):
        targets_of[column.field] = column.targets
        for row in rows:
            value = row.get(column.field)
            codes = value if isinstance(value, list) else [value]
            for target in column.targets:
                wanted[target].update(c for c in codes if c)
    named: dict[str, dict[str, str]] = {}
    for target, codes in wanted.items():
        ledger = registry.get(target)
        name = ledger.name_column if ledger else None
        if name is None or not codes:
            continue
        try:
            readable = rows_for_read(ledger, who) | rows_for_read(ledger, who, archived=True)
        except PermissionDenied:
            continue
        found = readable.filter(**{f"{ledger.key.attr}__in": codes}).values_list(
            ledger.key.attr, name.attr
        )
        named[target] = dict(found)
    return {
        field: {code: n for t in targets for code, n in named.get(t, {}).items()}
        for field, targets in targets_of.items()
    }


def named(column: Column, value, names: dict[str, str]) -> str:
    """The value as shown, each code followed by its name when it has one."""
    if column.kind.name not in REF_KINDS or not names:
        return column.display(value)
    codes = value if isinstance(value, list) else ([value] if value else [])
    return "、".join(f"{c} {names[c]}" if names.get(c) else str(c) for c in codes)
