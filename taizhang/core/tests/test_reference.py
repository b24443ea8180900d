"""docs/ledgers.md is the registry's own description: regenerated, it is unchanged."""

from pathlib import Path

from django.core.management import call_command

from taizhang.core.reference import ledgers_markdown, product_ledgers

DOC = Path(__file__).resolve().parents[3] / "docs" / "ledgers.md"


def test_the_checked_in_ledger_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == ledgers_markdown(), (
        "docs/ledgers.md is stale: run `taizhang ledgers --markdown docs/ledgers.md`"
    )


def test_the_reference_names_every_product_ledger_and_column_and_no_test_ledger():
    text = ledgers_markdown()
    for ledger in product_ledgers():
        assert f"## {ledger.name}" in text
        for column in ledger.columns:
            assert f"| {column.header} | `{column.field}` |" in text
    assert "## notes" not in text  # the test suite's own ledgers stay out


def test_the_command_writes_the_file(tmp_path, capsys):
    target = tmp_path / "ledgers.md"
    call_command("ledgers", markdown=str(target))
    assert target.read_text(encoding="utf-8") == ledgers_markdown()
