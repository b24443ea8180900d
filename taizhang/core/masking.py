"""Masking personal data (个人信息去标识化展示).

A column declared `personal` ("mobile", "id_number", "other") is shown in clear only to
a user holding one of the ledger's unmasking roles (its clear roles plus its write
roles) over the row's organization; everybody else — and a user with two grants, on
the rows covered only by a masking role — sees it masked: 138****8000. The decision is
the read door's (core/access.py: `masker`); this module only says what a mask looks
like."""

STAR = "*"
# A valid value of each kind, for the contract tests that write one onto example rows.
EXAMPLES = {"mobile": "13912345678", "id_number": "360102199001011234", "other": "示例信息"}


def mask_value(personal: str, value):
    """The masked form of one value (None and empty stay as they are)."""
    if value is None or value == "":
        return value
    text = str(value)
    if personal in ("mobile", "id_number") and len(text) >= 8:
        return text[:3] + STAR * (len(text) - 7) + text[-4:]
    return text[:1] + STAR * 2


def mask_row(columns, values: dict) -> dict:
    """A copy of `values` with every personal column of `columns` masked."""
    masked = dict(values)
    for column in columns:
        if column.field in masked:
            masked[column.field] = mask_value(column.personal, masked[column.field])
    return masked


def is_masked(value) -> bool:
    return isinstance(value, str) and STAR * 2 in value
