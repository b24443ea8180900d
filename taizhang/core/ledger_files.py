"""Ledger spreadsheets: import (through `ledger_write`), export, template, error workbook."""

from django.conf import settings

from . import tree
from .ledger import Ledger
from .ledger_write import Outcome, Problem, ledger_write
from .scope import Scope
from .source import importing
from .spreadsheet import (
    FileProblem,
    ReadLimits,
    SheetWriter,
    find_table,
    normalize_header,
    read_cells_safely,
)

TEMPLATE_ROWS = 2000  # rows of the template that carry drop-down validation


def check_size(size: int) -> None:
    """Refuse a file over the limit before it is read."""
    if size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise FileProblem(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {limit} MB")


def read_limits() -> ReadLimits:
    return ReadLimits(
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        memory_mb=settings.IMPORT_MEMORY_MB,
        seconds=settings.IMPORT_SECONDS,
    )


def ledger_import(
    *, ledger: Ledger, actor, content: bytes, filename: str, dry_run=False
) -> Outcome:
    """Read a clerk's file and write it all or nothing. FileProblem if it cannot be read."""
    check_size(len(content))
    cells = read_cells_safely(content, filename, read_limits())
    by_header = {normalize_header(c.header): c for c in ledger.columns}
    table = find_table(cells, list(by_header), [c.header for c in ledger.required])
    if not table.rows:
        raise FileProblem("文件中没有数据行")
    fields = {h: by_header[h].field for h in table.headers}
    rows = [(number, {fields[h]: v for h, v in raw.items()}) for number, raw in table.rows]
    with importing(filename):  # its audit entries name the file
        return ledger_write(ledger=ledger, actor=actor, rows=rows, dry_run=dry_run)


def write_export(*, ledger: Ledger, rows, target) -> None:
    """Write rows (dicts of canonical values) under the ledger's headers."""
    writer = SheetWriter(target, ledger.title)
    writer.write_row([c.header for c in ledger.columns], header=True)
    for index, column in enumerate(ledger.columns):
        writer.sheet.set_column(index, index, max(10, len(column.header) * 2 + 2))
    for row in rows:
        writer.write_row([_cell(c, row.get(c.field)) for c in ledger.columns])
    writer.close()


def _cell(column, value):
    return column.kind.cell(column, value)


def write_template(*, ledger: Ledger, target, scope: Scope):
    """An empty ledger file: required headers marked *, drop-downs for every enumeration
    and boolean, and the organization codes the scope may write on a second sheet."""
    tree_name = tree.tree_ledger().name
    choices_for_refs = {tree_name: tree.codes_in(scope, ledger.write_roles)}
    writer = SheetWriter(target, ledger.title)
    sheet = writer.sheet
    lists = writer.workbook.add_worksheet("选项")
    writer.write_row([c.header + ("*" if c.required else "") for c in ledger.columns], header=True)
    list_col = 0
    for index, column in enumerate(ledger.columns):
        sheet.set_column(index, index, max(12, len(column.header) * 2 + 4), writer.text_format)
        if column.help:
            sheet.write_comment(0, index, column.help)
        options = column.kind.options(column, choices_for_refs)
        if not options:
            continue
        lists.write_string(0, list_col, column.header)
        for offset, option in enumerate(options, start=1):
            lists.write_string(offset, list_col, option)
        source = f"=选项!${_col_letter(list_col)}$2:${_col_letter(list_col)}${len(options) + 1}"
        sheet.data_validation(
            1,
            index,
            TEMPLATE_ROWS,
            index,
            {
                "validate": "list",
                "source": source,
                # Multi-valued cells hold several options, so only single ones are enforced.
                "error_type": "information" if column.many else "stop",
                "error_title": column.header,
                "error_message": "请从下拉列表中选择",
            },
        )
        list_col += 1
    sheet.freeze_panes(1, 0)
    writer.close()


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_errors(*, ledger: Ledger, problems: list[Problem], target) -> None:
    """The problems of a rejected file, one per line, to send back to the clerk."""
    writer = SheetWriter(target, "错误说明")
    writer.write_row(["行号", "列", "填写内容", "原因"], header=True)
    for width, col in ((8, 0), (18, 1), (30, 2), (60, 3)):
        writer.sheet.set_column(col, col, width)
    for problem in problems:
        writer.write_row([problem.row or "", problem.header, problem.value, problem.message])
    writer.close()
