"""Importing ledger files as clerks really send them (LEDGERS.md §1)."""

import io
import subprocess
import sys
import zipfile

import pytest
import python_calamine

from conftest import xlsx_bytes
from taizhang.core.ledger import registry
from taizhang.core.ledger_files import ledger_import, write_errors, write_export, write_template
from taizhang.core.models import AuditEntry
from taizhang.core.scope import Scope
from taizhang.core.spreadsheet import FileProblem
from taizhang.orgs.models import Person

PEOPLE = registry["people"]


def import_people(content: bytes, filename="people.xlsx", **kwargs):
    return ledger_import(ledger=PEOPLE, actor=None, content=content, filename=filename, **kwargs)


def test_real_file_with_title_rows_noisy_headers_and_totals_imports(district):
    content = xlsx_bytes(
        [
            ["青山湖区人员台账"],
            ["填报单位:湖坊镇党委", None, "填报日期:2023年9月15日"],
            [
                "序号",
                " 人员编号 *",
                "姓\u3000名(必填)",
                "所在组织\n编码*",
                "手机号码",
                "人员类别",
                "备注",
            ],
            [1, "P-N1", "孙悟空", "QSH-A-1", 13900139000.0, "青年", "新入党"],
            [None, None, None, None, None, None, None],
            [2, "P-N2", "猪八戒", "QSH-A-2", "13900139001", "流动党员、离退休", ""],
            ["合计", "2人"],
            ["合计：2 人"],
            ["总 计（人）", "2"],
        ]
    )
    outcome = import_people(content)
    assert outcome.ok, [p.line() for p in outcome.problems]
    assert len(outcome.created) == 2
    person = Person.objects.get(code="P-N1")
    assert (person.name, person.org.code, person.mobile, person.kinds) == (
        "孙悟空",
        "QSH-A-1",
        "13900139000",
        "青年",
    )
    assert Person.objects.get(code="P-N2").kinds == "流动党员、离退休"


def test_merged_group_header_over_a_second_header_row(district):
    content = xlsx_bytes(
        [
            ["基本信息", None, None, "联系方式"],
            ["人员编号", "姓名", "所在组织编码", "手机号码"],
            ["P-M1", "唐僧", "QSH-A-1", "13700137000"],
        ]
    )
    assert len(import_people(content).created) == 1


def test_reimporting_the_same_file_changes_nothing(district):
    content = xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-R1", "沙僧", "QSH-A-1"]])
    import_people(content)
    audits = AuditEntry.objects.count()
    again = import_people(content)
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.count() == audits


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(district):
    content = xlsx_bytes(
        [
            ["人员编号", "姓名", "所在组织编码", "手机号码"],
            ["P-X1", "好人", "QSH-A-1", ""],
            ["P-X2", "坏行", "XH-77-Z9-01", "1380013800"],
        ]
    )
    before = (Person.objects.count(), AuditEntry.objects.count())
    outcome = import_people(content)
    lines = [p.line() for p in outcome.problems]
    assert "第3行 所在组织编码: “XH-77-Z9-01”不存在" in lines
    assert any(line.startswith("第3行 手机号码") and "11 位" in line for line in lines)
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_key_within_one_file(district):
    content = xlsx_bytes(
        [["人员编号", "姓名", "所在组织编码"], ["P-D", "甲", "QSH-A-1"], ["P-D", "乙", "QSH-A-1"]]
    )
    assert [p.line() for p in import_people(content).problems] == [
        "第3行 人员编号: “P-D”与第2行重复"
    ]


def test_code_in_scientific_notation_is_refused(district):
    content = xlsx_bytes(
        [["人员编号", "姓名", "所在组织编码", "手机号码"], ["P-S", "甲", "QSH-A-1", "1.38001E+10"]]
    )
    assert "科学计数法" in import_people(content).problems[0].message


@pytest.mark.parametrize(
    "content,filename,message",
    [
        (b"", "empty.xlsx", "文件是空的"),
        (b"PK\x03\x04 this is not a workbook at all" * 10, "broken.xlsx", "不是有效的电子表格"),
        (b"%PDF-1.4 a pdf", "scan.pdf", "只支持"),
        (xlsx_bytes([["工作组编码", "工作组名称"], ["G1", "综合组"]]), "groups.xlsx", "找不到表头"),
        (xlsx_bytes([["人员编号", "姓名", "所在组织编码"]]), "headers-only.xlsx", "没有数据行"),
    ],
)
def test_unreadable_files_get_one_clear_message(district, content, filename, message):
    with pytest.raises(FileProblem, match=message):
        import_people(content, filename)


def test_oversized_file_is_refused_before_reading(district, settings):
    with pytest.raises(FileProblem, match="文件过大"):
        import_people(b"x" * (settings.MAX_UPLOAD_BYTES + 1))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_writes(district, encoding):
    text = "人员编号,姓名,所在组织编码,县处级领导\nP-C1,白骨精,QSH-B-1,否\n"
    outcome = import_people(text.encode(encoding), "people.csv")
    assert outcome.ok and Person.objects.get(code="P-C1").name == "白骨精"


def test_export_reimports_unchanged_and_formulas_stay_text(district):
    from conftest import write

    write("people", [{"code": "P-F", "name": "=1+1", "org": "QSH-A-1", "title": "@SUM(A1)"}])
    buffer = io.BytesIO()
    rows = [PEOPLE.values(p) for p in PEOPLE.queryset().order_by("code")]
    write_export(ledger=PEOPLE, rows=rows, target=buffer)
    content = buffer.getvalue()
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no cell is a formula
    cells = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert ["P-F", "=1+1"] == cells[[r[0] for r in cells].index("P-F")][:2]
    outcome = import_people(content)
    assert (len(outcome.created), len(outcome.updated), outcome.unchanged) == (0, 0, len(rows))


def test_template_carries_drop_downs_and_marks_required_headers(district):
    buffer = io.BytesIO()
    write_template(ledger=PEOPLE, target=buffer, scope=Scope.all())
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<dataValidation ") >= 4  # 县处级领导, 党员, 人员类别, 组织编码…
    cells = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert cells[0][:3] == ["人员编号*", "姓名*", "所在组织编码*"]


def _cli(*args, env_home):
    import os

    env = {k: v for k, v in os.environ.items() if k != "TAIZHANG_DATABASE_URL"}
    env["TAIZHANG_HOME"] = env_home
    return subprocess.run(
        [sys.executable, "-m", "taizhang", *args], capture_output=True, text=True, env=env
    )


def test_command_line_exit_codes_and_error_lines(tmp_path):
    """The console command on its own SQLite database: 0 success, 1 rejected, 2 unreadable."""
    home = str(tmp_path / "home")
    assert _cli("init", env_home=home).returncode == 0
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "组织编码,组织名称,上级组织编码,组织类别\nQSH,青山湖区委,,区委\nQSH-1,一支部,QSH,党支部\n",
        encoding="utf-8",
    )
    done = _cli("import", "orgs", str(orgs), env_home=home)
    assert done.returncode == 0, done.stderr
    bad = tmp_path / "people.xlsx"
    bad.write_bytes(
        xlsx_bytes(
            [
                ["人员编号", "姓名", "所在组织编码"],
                ["P1", "甲", "QSH-1"],
                ["P2", "乙", "XH-77-Z9-01"],
            ]
        )
    )
    errors = tmp_path / "errors.xlsx"
    rejected = _cli("import", "people", str(bad), "--errors", str(errors), env_home=home)
    assert rejected.returncode == 1
    assert "第3行 所在组织编码: “XH-77-Z9-01”不存在" in rejected.stdout
    workbook = python_calamine.CalamineWorkbook.from_path(str(errors))
    assert workbook.get_sheet_by_index(0).to_python()[2][3] == "所在组织编码：“XH-77-Z9-01”不存在"
    assert workbook.get_sheet_by_name("错误说明").to_python()[1][:2] == [3.0, "所在组织编码"]
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_bytes(b"not a workbook")
    assert _cli("import", "people", str(unreadable), env_home=home).returncode == 2
    assert _cli("import", "nonsense", str(orgs), env_home=home).returncode == 2
    dry = _cli("import", "people", str(orgs), "--dry-run", env_home=home)
    assert dry.returncode == 2 and "找不到表头" in dry.stderr


def _red_cells(content: bytes, sheet: int = 1) -> set[str]:
    """The cells of a sheet filled red, read from the workbook's own XML."""
    import re

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        styles = archive.read("xl/styles.xml").decode()
        xml = archive.read(f"xl/worksheets/sheet{sheet}.xml").decode()
    fills = re.findall(r"<fill>.*?</fill>", re.search(r"<fills[^>]*>(.*)</fills>", styles).group(1))
    red_fills = {i for i, f in enumerate(fills) if "FFC7CE" in f}
    xfs = re.findall(r"<xf [^>]*?>", re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles).group(1))
    red_styles = {
        i for i, xf in enumerate(xfs) if int(re.search(r'fillId="(\d+)"', xf).group(1)) in red_fills
    }
    return {
        ref for ref, s in re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)"', xml) if int(s) in red_styles
    }


def test_the_error_workbook_is_the_clerks_own_sheet_marked(district):
    rows = [
        ["湖坊镇人员台账（2023年9月）"],
        ["序号", "人员编号", "姓名", "所在组织编码", "手机号码", "备注"],
        [1, "P-W1", "孙悟空", "QSH-A-1", "13900139000", "新入党"],
        [2, "P-W2", "猪八戒", "XH-9", "1390013900", "调入"],
        [3, "P-W3", None, "QSH-A-2", None, ""],
    ]
    outcome = import_people(xlsx_bytes(rows))
    assert not outcome.ok and not Person.objects.filter(code__startswith="P-W").exists()
    buffer = io.BytesIO()
    write_errors(ledger=PEOPLE, outcome=outcome, target=buffer)
    content = buffer.getvalue()
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    own = workbook.get_sheet_by_index(0).to_python()
    # Every row and column the clerk sent, title and remarks included, plus 错误原因.
    assert own[0][0] == "湖坊镇人员台账（2023年9月）"
    assert own[1] == ["序号", "人员编号", "姓名", "所在组织编码", "手机号码", "备注", "错误原因"]
    assert own[2][:6] == [1.0, "P-W1", "孙悟空", "QSH-A-1", "13900139000", "新入党"]
    assert own[2][6] == ""
    assert "所在组织编码：“XH-9”不存在" in own[3][6] and "手机号码：" in own[3][6]
    assert own[4][6] == "姓名：必填，不能为空"
    # The bad cells are red (D4 organization, E4 mobile, C5 the missing name), no other.
    assert _red_cells(content) == {"D4", "E4", "C5"}
    listing = workbook.get_sheet_by_name("错误说明").to_python()
    assert listing[0] == ["行号", "列", "填写内容", "原因"] and len(listing) == 4
    # Corrected in place, the same file imports.
    rows[3][3], rows[3][4], rows[4][2] = "QSH-A-1", "13900139001", "沙和尚"
    assert import_people(xlsx_bytes(rows)).ok
