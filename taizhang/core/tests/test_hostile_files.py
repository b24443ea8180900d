"""Hostile spreadsheets, generated here: each is refused with a Chinese message within
5 s, reading under 300 MB, through the import page and the command line, and a list
request made meanwhile still answers. A genuine 40,000-row file still reads under the
same limits."""

import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import xlsx_bytes

ROOT = Path(__file__).resolve().parents[3]
LIMIT_MB = 300


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx(sheet_xml: str, shared: str | None = None) -> bytes:
    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            if shared
            else ""
        )
        + "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared:
        members["xl/sharedStrings.xml"] = shared
    return _zip(members)


SHEET = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</worksheet>'


def far_dimension() -> bytes:
    return _xlsx(
        SHEET.format(
            '<sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )
    )


def far_cell_without_dimension() -> bytes:
    return far_dimension()


def declared_dimension() -> bytes:
    return _xlsx(SHEET.format('<dimension ref="A1:XFD1048576"/><sheetData/>'))


def whitespace_bomb() -> bytes:
    return _xlsx(SHEET.format("<sheetData>" + " " * (300 * 1024 * 1024) + "</sheetData>"))


def shared_string_bomb() -> bytes:
    shared = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "<si><t/></si>" * 20_000_000
        + "</sst>"
    )
    return _xlsx(SHEET.format("<sheetData/>"), shared)


def repeated_ods_rows() -> bytes:
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return _zip(
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": content}
    )


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return _xlsx(
        f'<?xml version="1.0"?><!DOCTYPE w [{entities}]>'
        + SHEET.format(
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'
        )[21:]
    )


def xxe() -> bytes:
    return _xlsx(
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + SHEET.format(
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
        )[21:]
    )


def long_csv() -> bytes:
    return "人员编号,姓名,所在组织编码\n".encode() + b"P,a,QSH\n" * 1_600_000


HOSTILE = {
    "far_dimension.xlsx": far_dimension,
    "declared_dimension.xlsx": declared_dimension,
    "whitespace_bomb.xlsx": whitespace_bomb,
    "shared_string_bomb.xlsx": shared_string_bomb,
    "repeated_rows.ods": repeated_ods_rows,
    "billion_laughs.xlsx": billion_laughs,
    "xxe.xlsx": xxe,
    "long.csv": long_csv,
}


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.IMPORT_MEMORY_MB = LIMIT_MB
    settings.IMPORT_SECONDS = 4
    settings.MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_fails_alone_on_the_page(client_for, users, live_server, name):
    """While the file is refused, the server (here the live server's thread, sharing
    the process) keeps answering: the reading happened in a child process."""
    import urllib.request

    content = HOSTILE[name]()
    client = client_for(users.allowed)
    answered, done = [], threading.Event()

    def ask_meanwhile():
        while not done.is_set():
            with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=5) as response:
                answered.append(response.status)
            time.sleep(0.05)

    started = time.monotonic()
    upload = io.BytesIO(content)
    upload.name = name
    thread = threading.Thread(target=ask_meanwhile)
    thread.start()
    try:
        response = client.post(reverse("ledger-import", args=["people"]), {"file": upload})
    finally:
        done.set()
        thread.join()
    elapsed = time.monotonic() - started
    text = response.content.decode()
    assert response.status_code == 400 and elapsed < 5, (name, elapsed)
    assert any(
        word in text for word in ("文件过大或格式异常", "行数过多", "找不到表头", "无法读取")
    ), text[-500:]
    assert answered and set(answered) == {200}


@pytest.mark.parametrize("name", ["far_dimension.xlsx", "shared_string_bomb.xlsx", "long.csv"])
def test_a_hostile_file_is_refused_at_the_command_line(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name]())
    env = {
        **os.environ,
        "TAIZHANG_HOME": str(tmp_path / "home"),
        "TAIZHANG_IMPORT_MEMORY_MB": str(LIMIT_MB),
    }
    env.pop("TAIZHANG_DATABASE_URL", None)
    taizhang = [sys.executable, "-m", "taizhang"]
    subprocess.run([*taizhang, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
    started = time.monotonic()
    run = subprocess.run(
        [*taizhang, "import", "people", str(path)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode in (1, 2) and time.monotonic() - started < 10
    assert "Traceback" not in run.stderr and any("\u4e00" <= c <= "\u9fff" for c in run.stderr)


def test_a_genuine_large_file_reads_under_the_same_limits(district):
    from taizhang.core.ledger_files import read_limits
    from taizhang.core.spreadsheet import read_cells_safely

    rows = [
        ["人员编号", "姓名", "所在组织编码", "职务", "手机号码", "县处级领导", "党员", "人员类别"]
    ]
    rows += [
        [f"P{r:06d}", "张三", "QSH-A-1", "党员", f"139{r:08d}", "否", "是", "青年"]
        for r in range(40_000)
    ]
    cells = read_cells_safely(xlsx_bytes(rows), "p.xlsx", read_limits())
    assert len(cells) == 40_001 and cells[-1][0] == "P039999"
