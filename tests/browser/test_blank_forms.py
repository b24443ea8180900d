"""A form saved with only its required fields stores each other column's declared
default — for every registered ledger, as a browser fills it (a select left alone keeps
what the page selected; the browser's first option must never decide a value)."""

from urllib.parse import unquote

import pytest

from conftest import PASSWORD
from taizhang.core.examples import Example
from taizhang.core.ledger import registry

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page, column, value):
    selector = f"#id_{column.field}"
    if column.input == "select":
        page.select_option(selector, label=str(value))
    elif column.input == "checkboxes":
        values = value if isinstance(value, list) else str(value).replace(",", "、").split("、")
        for v in values:
            page.check(f"{selector} input[value='{v}']")
    else:
        text = "、".join(value) if isinstance(value, list) else str(value)
        page.fill(selector, text)


def _writer(users, ledger):
    for user in (users.office, users.allowed, users.admin):
        if {role for _, role in user.scope_grants()} & ledger.write_roles:
            return user
    raise AssertionError(f"no fixture user may write {ledger.name}")


@pytest.mark.parametrize("name", sorted(registry))
def test_a_blank_form_saves_the_declared_defaults(page, live_server, users, name):
    ledger = registry[name]
    writer = _writer(users, ledger)
    example = ledger.example_row(Example(org="QSH-A-1"))
    # The required columns, the one that places the row in the tree (an organization's
    # parent is optional only for the root), and those a minimal row needs besides (one
    # of two columns that are required together).
    filled = [
        c
        for c in ledger.columns
        if c.required or c is ledger.scope_column() or c.field in ledger.minimal_also
    ]

    log_in(page, live_server, writer.username, PASSWORD)
    page.goto(f"{live_server.url}/ledgers/{name}/new/")
    for column in filled:
        _fill(page, column, example[column.field])
    page.click("button:has-text('保存')")
    key = ledger.key.parse(example[ledger.key.field])
    page.wait_for_url(lambda url: unquote(url).endswith(f"/ledgers/{name}/{key}/"))

    stored = ledger.values(ledger.model.objects.get(**{ledger.key.attr: key}))
    for column in ledger.columns:
        if column in filled:
            assert stored[column.field] == column.parse(example[column.field]), column.header
        elif column.field in ledger.filled_when_blank:
            assert stored[column.field] not in (None, ""), column.header
        else:
            assert stored[column.field] == column.parse(None), column.header


def test_a_form_sent_back_with_errors_keeps_what_the_user_chose(page, live_server, users):
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/new/")
    assert page.input_value("#id_is_leader") == "否"
    page.select_option("#id_is_leader", label="否")
    page.fill("#id_code", "P-KEEP")
    page.click("button:has-text('保存')")  # 姓名 and 所属组织 are missing
    page.wait_for_selector(".invalid-feedback")
    assert page.input_value("#id_is_leader") == "否"
    assert page.input_value("#id_code") == "P-KEEP"
