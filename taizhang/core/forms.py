"""Turning a submitted ledger form into the raw row `ledger_write` reads, and back."""

from .ledger import Column, Ledger


def raw_row_from_post(ledger: Ledger, post, *, editing: bool) -> dict:
    row = {}
    for column in ledger.columns:
        if editing and column is ledger.key:
            continue
        if column.many:
            values = [v for v in post.getlist(column.field) if v.strip()]
            row[column.field] = values if len(values) != 1 else values[0]
        elif column.field in post:
            row[column.field] = post.get(column.field)
    return row


def form_fields(ledger: Ledger, values: dict, errors: dict) -> list[dict]:
    """What a template needs to draw each input."""
    return [
        {
            "column": column,
            "input": _input_type(column),
            "value": _form_value(column, values.get(column.field)),
            "error": errors.get(column.field, ""),
        }
        for column in ledger.columns
    ]


def _input_type(column: Column) -> str:
    return {
        "date": "date",
        "datetime": "datetime-local",
        "int": "number",
        "percent": "number",
        "bool": "select",
        "choice": "select",
        "choices": "checkboxes",
        "refs": "multi",
    }.get(column.kind, "text")


def _form_value(column: Column, value):
    if value is None:
        return ""
    if column.kind == "datetime" and hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%dT%H:%M")
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "choices":
        return value.split("、") if value else []
    if isinstance(value, list):
        return "、".join(value)
    return column.display(value)
