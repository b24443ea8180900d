"""Ledger files: reading any spreadsheet a clerk sends, writing templates and exports."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import python_calamine
import xlsxwriter

from .cells import SHANGHAI, parse_text

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# "合计", "总计", "合计：5 次", "合 计": a total row, however the clerk wrote it; and the
# form's footer ("填表人：张三  联系电话：…"), which holds no fact of the ledger.
TOTAL_CELL = re.compile(
    r"(合计|总计|小计)(?:$|[:：（(\d])|(填表人|制表人|填报人|审核人|负责人|联系人|联系电话)[:：]"
)
_HEADER_NOISE = re.compile(r"[\s\u3000]+|[（(]\s*必填\s*[)）]|[*＊]+$")


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


@dataclass
class Table:
    """The data rows of one sheet: (spreadsheet row number, {header: raw cell})."""

    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]
    header_row: int = 0  # index (in the sheet's cells) of the (last) header row
    columns: dict[int, str] = field(default_factory=dict)  # sheet column -> header


def normalize_header(text) -> str:
    return _HEADER_NOISE.sub("", parse_text(text)).rstrip("*＊")


def read_cells(content: bytes, filename: str) -> list[list[object]]:
    """All rows of the first sheet (or CSV), row i being spreadsheet row i + 1."""
    name = filename.lower()
    if not content:
        raise FileProblem("文件是空的")
    if name.endswith(".csv"):
        return _read_csv(content)
    if not name.endswith(SPREADSHEET_SUFFIXES):
        raise FileProblem("只支持 .xlsx、.xls、.ods 或 .csv 文件")
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise FileProblem("无法读取该文件：它不是有效的电子表格") from error


def _read_csv(content: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem("无法识别 CSV 文件的编码（支持 UTF-8 与 GB18030）")
    if "\x00" in text:
        raise FileProblem("无法读取该文件：它不是文本格式的 CSV")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def find_table(cells: list[list[object]], known: list[str], required: list[str]) -> Table:
    """Locate the header row (the first that holds every required header, possibly spread
    over two rows because of merged cells) and return the data rows under it."""
    known_set = set(known)
    for index in range(min(len(cells), 30)):
        for span in (1, 2):
            header_rows = cells[index : index + span]
            columns = _header_columns(header_rows, known_set)
            if set(required) <= set(columns.values()):
                return Table(
                    headers=list(columns.values()),
                    rows=list(_data_rows(cells, index + span, columns)),
                    header_row=index + span - 1,
                    columns=columns,
                )
    raise FileProblem(
        "找不到表头：文件中没有同时包含必填列“" + "、".join(required) + "”的行，"
        "请确认选择了正确的台账并使用模板的表头"
    )


def _header_columns(header_rows: list[list[object]], known: set[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    width = max((len(r) for r in header_rows), default=0)
    for col in range(width):
        # The lower row wins: it holds the sub-headers under a merged group header.
        for row in reversed(header_rows):
            header = normalize_header(row[col]) if col < len(row) else ""
            if header in known and header not in columns.values():
                columns[col] = header
                break
    return columns


def _data_rows(cells, start: int, columns: dict[int, str]) -> Iterable[tuple[int, dict]]:
    """Rows with something under a ledger header. A row that only carries a pre-filled 序号
    or a remark holds nothing of the ledger; a 合计/总计 row is a total, not a fact."""
    for index in range(start, len(cells)):
        row = cells[index]
        filled = [v for v in row if not _blank(v)]
        if not filled:
            continue
        if isinstance(filled[0], str) and TOTAL_CELL.match(re.sub(r"\s", "", filled[0])):
            continue
        values = {h: (row[c] if c < len(row) else None) for c, h in columns.items()}
        if all(_blank(v) for v in values.values()):
            continue
        yield index + 1, values


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class SheetWriter:
    """A write-only workbook (constant memory) whose cells are never evaluated."""

    def __init__(self, target, title: str):
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "in_memory": not isinstance(target, str),
            },
        )
        self.sheet = self.workbook.add_worksheet(title[:31])
        self.header_format = self.workbook.add_format(
            {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True}
        )
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.text_format = self.workbook.add_format({"num_format": "@"})
        self.row = 0

    def write_row(self, values: list[object], header=False):
        for col, value in enumerate(values):
            self.write_cell(self.row, col, value, self.header_format if header else None)
        self.row += 1

    def write_cell(self, row, col, value, fmt=None, sheet=None):
        sheet = sheet or self.sheet
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否", fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            naive = value.astimezone(SHANGHAI).replace(tzinfo=None) if value.tzinfo else value
            sheet.write_datetime(row, col, naive, fmt or self.datetime_format)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, fmt or self.date_format)
        else:
            # write_string never makes a formula, so "=…", "+…", "-…", "@…" stay text.
            sheet.write_string(row, col, str(value), fmt)

    def close(self):
        self.workbook.close()


@dataclass(frozen=True)
class ReadLimits:
    rows: int = 200_000
    columns: int = 200
    memory_mb: int = 384  # the child's address space
    seconds: int = 30  # the child's CPU and wall time
    unpacked_mb: int = 400  # the sum of a workbook's members, unpacked
    members: int = 2_000
    ratio: int = 200  # unpacked / packed of a member over 1 MB


UNREADABLE = "文件过大或格式异常，无法读取"


def read_cells_safely(content: bytes, filename: str, limits: ReadLimits) -> list[list[object]]:
    """read_cells, but bounded: the file's declared structure is checked first, then it
    is read in a child process with memory and time limits (core/sheet_child.py)."""
    import pickle
    import subprocess
    import sys

    if not content:
        raise FileProblem("文件是空的")
    _check_structure(content, filename.lower(), limits)

    # The child sets its own limits first thing (a preexec_fn is unsafe in a threaded
    # web worker).
    command = [sys.executable, "-m", "taizhang.core.sheet_child", filename[-100:]]
    command += [str(v) for v in (limits.rows, limits.columns, limits.memory_mb, limits.seconds)]
    try:
        child = subprocess.run(
            command,
            input=content,
            capture_output=True,
            timeout=limits.seconds + 5,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(p for p in sys.path if p)},
        )
    except subprocess.TimeoutExpired:
        raise FileProblem(f"{UNREADABLE}（读取超时）") from None
    if child.returncode != 0 or not child.stdout:
        raise FileProblem(f"{UNREADABLE}（读取时超出内存或时间限制）")
    kind, value = pickle.loads(child.stdout)  # our own child's answer
    if kind == "problem":
        raise FileProblem(value)
    return value


def _check_structure(content: bytes, name: str, limits: ReadLimits) -> None:
    """What a file declares, checked before anything reads it: the members of a zip
    workbook (.xlsx, .ods) and an .xlsx sheet's dimension; a CSV's line count."""
    import zipfile

    if name.endswith(".csv"):
        if content.count(b"\n") > limits.rows + 100:
            raise FileProblem(f"文件行数过多（上限 {limits.rows} 行）")
        return
    if not content.startswith(b"PK"):
        return  # .xls (OLE): read in the child under its limits
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem("无法读取该文件：它不是有效的电子表格") from None
    if len(members) > limits.members:
        raise FileProblem(f"{UNREADABLE}（压缩包内文件过多）")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.unpacked_mb * 1024 * 1024:
        raise FileProblem(f"{UNREADABLE}（解压后超过 {limits.unpacked_mb} MB）")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > limits.ratio * max(
            member.compress_size, 1
        ):
            raise FileProblem(f"{UNREADABLE}（压缩比异常）")
    sheets = [
        m.filename for m in members if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", m.filename)
    ]
    for sheet in sheets[:1]:
        with archive.open(sheet) as stream:
            head = stream.read(4096).decode("utf-8", "replace")
        if found := re.search(r'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"', head):
            columns, rows = _column_number(found[1]), int(found[2])
            if rows > limits.rows or columns > limits.columns:
                raise FileProblem(
                    f"{UNREADABLE}（表格范围达 {rows} 行 × {columns} 列，"
                    f"上限 {limits.rows} 行 × {limits.columns} 列）"
                )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
