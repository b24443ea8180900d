"""The ledger reference, generated from the registry: every ledger's columns (Chinese
headers, kinds, required, defaults, choices, references), its key, scope, roles and date.
`taizhang ledgers --markdown docs/ledgers.md` writes it; a test keeps the file current."""

from .ledger import Ledger, registry

KIND_NAMES = {
    "text": "文本",
    "longtext": "长文本",
    "code": "编码",
    "int": "整数",
    "percent": "百分比",
    "decimal": "小数",
    "date": "日期",
    "datetime": "日期时间",
    "bool": "是/否",
    "choice": "单选",
    "choices": "多选",
    "ref": "引用",
    "refs": "多个引用",
    "anyref": "引用（多台账）",
    "file": "附件",
}


def product_ledgers() -> list[Ledger]:
    """The registered ledgers of the product's own apps (not of test apps), by app order."""
    return [
        ledger
        for ledger in registry.values()
        if ledger.model._meta.app_config.name.startswith("taizhang.")
    ]


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _default(column) -> str:
    if column.default is None:
        return ""
    if column.kind.name == "bool":
        return "是" if column.default else "否"
    return str(column.default)


def _notes(column) -> str:
    parts = []
    if column.targets:
        parts.append("引用 " + " / ".join(f"`{t}`" for t in column.targets))
    if column.choices and column.kind.name in ("choice", "choices"):
        parts.append("可选：" + " / ".join(column.choices))
    if column.max_length and column.kind.name in ("text", "code"):
        parts.append(f"最多 {column.max_length} 字")
    if column.kind.name == "int" and column.low is not None and column.high is not None:
        parts.append(f"{column.low}–{column.high}")
    elif column.kind.name == "int" and column.low is not None:
        parts.append(f"不小于 {column.low}")
    elif column.kind.name == "int" and column.high is not None:
        parts.append(f"不大于 {column.high}")
    if column.kind.name == "file":
        parts.append(f"{' '.join(column.accept)}，不超过 {column.max_mb} MB")
    if column.help:
        parts.append(column.help)
    return "；".join(parts)


def _scope(ledger: Ledger) -> str:
    if ledger.tree:
        return "组织树本身：每个组织在其上级组织的范围内"
    if ledger.scope_path is None:
        return "全区共用（不分组织）"
    return f"随“{ledger.scope_column().header}”所指的行或组织"


def ledgers_markdown() -> str:
    out = [
        "# Ledger reference",
        "",
        "Generated from the ledger registry by `taizhang ledgers --markdown docs/ledgers.md`;",
        "a test fails when this file and the declarations differ. Headers are the Chinese",
        "column headers of templates, imports, exports and pages; `*` marks a required column;",
        "the first column is the row's key. Roles: `admin` 系统管理员, `office` 主题教育办,",
        "`leader` 领导干部, `org_admin` 党组织管理员, `inspector` 督导组, `member` 党员.",
        "",
        "| 台账 | 名称 | 行数据范围 |",
        "| --- | --- | --- |",
    ]
    ledgers = product_ledgers()
    for ledger in ledgers:
        out.append(f"| [{ledger.title}](#{ledger.name}) | `{ledger.name}` | {_scope(ledger)} |")
    for ledger in ledgers:
        out += [
            "",
            f"## {ledger.name}",
            "",
            f"**{ledger.title}** — key `{ledger.key.header}`; scope: {_scope(ledger)}.",
            f"Read: {', '.join(f'`{r}`' for r in sorted(ledger.read_roles))}; "
            f"write: {', '.join(f'`{r}`' for r in sorted(ledger.write_roles))}.",
        ]
        if ledger.date_field:
            out.append(f"Date (for --from/--to): `{ledger.column(ledger.date_field).header}`.")
        out += [
            "",
            "| 表头 | 字段 | 类型 | 必填 | 默认 | 说明 |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for column in ledger.columns:
            out.append(
                "| "
                + " | ".join(
                    _cell(v)
                    for v in (
                        column.header,
                        f"`{column.field}`",
                        KIND_NAMES[column.kind.name],
                        "*" if column.required else "",
                        _default(column),
                        _notes(column),
                    )
                )
                + " |"
            )
    return "\n".join(out) + "\n"
