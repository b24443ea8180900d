"""Writes to the org tree that are not plain ledger rows."""

from taizhang.core.ledger import registry
from taizhang.core.ledger_write import Outcome, ledger_write

from .ledgers import DEFAULT_CATEGORIES
from .models import Category


def categories_ensure_defaults(*, actor=None) -> Outcome | None:
    """The default fields of 分类指导, written once into an empty list (editable after)."""
    if Category.objects.exists():
        return None
    rows = [(None, {"name": name, "sort_order": i}) for i, name in enumerate(DEFAULT_CATEGORIES, 1)]
    return ledger_write(ledger=registry["categories"], actor=actor, rows=rows)


def org_move(*, actor, code: str, new_parent: str) -> Outcome:
    """Move an organization (and its whole subtree) under another parent."""
    return ledger_write(
        ledger=registry["orgs"],
        actor=actor,
        rows=[(None, {"code": code, "parent": new_parent})],
        mode="update",
    )
