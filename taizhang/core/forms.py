"""Turning a submitted ledger form into the raw row `ledger_write` reads, and back."""

from .ledger import Ledger


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


def form_values(ledger: Ledger, obj) -> dict:
    """What a form starts from: the stored row, or each column's declared default (a
    blank form must save what the declaration says, never the browser's first option)."""
    if obj is not None:
        return ledger.values(obj)
    return {column.field: column.parse(None) for column in ledger.columns}


def form_fields(ledger: Ledger, values: dict, errors: dict, warnings: dict | None = None):
    """What a template needs to draw each input."""
    from .attachments import attachments_named

    warnings = warnings or {}
    files = attachments_named(
        [values.get(c.field) for c in ledger.columns if c.input == "file" and values.get(c.field)]
    )
    return [
        {
            "column": column,
            "input": column.input,
            "value": _form_value(column, values.get(column.field)),
            "file_name": getattr(files.get(values.get(column.field) or ""), "name", "")
            if column.input == "file"
            else "",
            "error": errors.get(column.field, ""),
            "warning": warnings.get(column.field, ""),
            "options": column.kind.values(column) if column.input == "select" else [],
        }
        for column in ledger.columns
    ]


def _form_value(column, value):
    if value is None:
        return ""
    if column.input == "checkboxes" and isinstance(value, list):
        return value
    if isinstance(value, str) and column.input != "checkboxes":
        return value  # what the user typed comes back as typed
    if isinstance(value, list) and column.input == "multi":
        return "、".join(value)
    return column.kind.form_value(column, value)
