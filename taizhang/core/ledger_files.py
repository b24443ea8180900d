"""Ledger spreadsheets: import (through `ledger_write`), export, template, error workbook."""

from dataclasses import dataclass

from django.conf import settings

from . import tree
from .ledger import Ledger
from .ledger_write import Outcome, ledger_write
from .scope import Scope
from .source import importing
from .spreadsheet import (
    FileProblem,
    ReadLimits,
    SheetWriter,
    Table,
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


def uploaded_file(request) -> tuple[bytes, str]:
    """The file of an import form, (content, name): FileProblem (Chinese) when none was
    sent or it is over the limit — the declared length checked before Django spools the
    body to disk (allowing for the form fields around the file)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.MAX_UPLOAD_BYTES + 64 * 1024:
        check_size(declared)
    upload = request.FILES.get("file")
    if upload is None:
        raise FileProblem("请选择要导入的文件")
    check_size(upload.size)
    return upload.read(), upload.name


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
        outcome = ledger_write(ledger=ledger, actor=actor, rows=rows, dry_run=dry_run)
    if outcome.problems:
        outcome.source = SourceSheet(cells=cells, table=table)  # for the error workbook
    return outcome


@dataclass
class SourceSheet:
    """The clerk's own sheet, as read: what the error workbook gives back, marked."""

    cells: list[list[object]]
    table: Table


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
    and boolean, and the organizations the scope may write ("编码 名称") on a hidden
    sheet — Excel's inline list is limited to 255 characters."""
    tree_name = tree.tree_ledger().name
    choices_for_refs = {tree_name: tree.named_codes_in(scope, ledger.write_roles)}
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
    lists.hide()
    writer.close()


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_errors(*, ledger: Ledger, outcome: Outcome, target) -> None:
    """What a rejected file goes back as, the way Chinese government import tools do it:
    the clerk's own sheet — every row, every column, titles included — with an added
    错误原因 column and each bad cell marked red, so that the clerk corrects this file and
    uploads it again; then a sheet listing every problem, one per line."""
    problems = outcome.problems
    source = outcome.source
    writer = SheetWriter(target, f"{ledger.title}（请修改后重新导入）" if source else "错误说明")
    if source is not None:
        _write_marked_sheet(writer, source, problems)
        listing = writer.workbook.add_worksheet("错误说明")
    else:
        listing = writer.sheet
    for col, (title, width) in enumerate((("行号", 8), ("列", 18), ("填写内容", 30), ("原因", 60))):
        listing.set_column(col, col, width)
        writer.write_cell(0, col, title, writer.header_format, sheet=listing)
    for index, problem in enumerate(problems, start=1):
        values = [problem.row or "", problem.header, problem.value, problem.message]
        for col, value in enumerate(values):
            writer.write_cell(index, col, value, sheet=listing)
    writer.close()


def _write_marked_sheet(writer: SheetWriter, source: SourceSheet, problems) -> None:
    bad = writer.workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    reason_format = writer.workbook.add_format({"font_color": "#C00000", "text_wrap": True})
    column_of = {header: col for col, header in source.table.columns.items()}
    by_row: dict[int, list] = {}
    for problem in problems:
        if problem.row:
            by_row.setdefault(problem.row, []).append(problem)
    width = max((len(r) for r in source.cells), default=0)
    writer.sheet.set_column(width, width, 60)
    for index, row in enumerate(source.cells):
        number = index + 1  # spreadsheet row number, as problems name it
        marked = {column_of.get(normalize_header(p.header)) for p in by_row.get(number, [])}
        for col, value in enumerate(row):
            fmt = bad if col in marked else None
            writer.write_cell(index, col, value, fmt)
        for col in marked - {None} - set(range(len(row))):
            writer.write_cell(index, col, None, bad)  # a required cell left off the row's end
        if index == source.table.header_row:
            writer.write_cell(index, width, "错误原因", writer.header_format)
        elif number in by_row:
            reason = "；".join(f"{p.header}：{p.message}" for p in by_row[number])
            writer.write_cell(index, width, reason, reason_format)
