import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core import cells
from taizhang.core.cells import CellError


@pytest.mark.parametrize(
    "raw",
    [
        "2023-09-15",
        "2023/9/15",
        "2023.9.15",
        "2023年9月15日",
        "20230915",
        " 2023-09-15 ",
        dt.date(2023, 9, 15),
        dt.datetime(2023, 9, 15, 8, 0),
        45184,
        45184.0,
        "45184",
        "２０２３-０９-１５",
    ],
)
def test_parse_date_accepts_what_clerks_write(raw):
    assert cells.parse_date(raw) == dt.date(2023, 9, 15)


@pytest.mark.parametrize("raw", ["2023-02-30", "明天", "2023-13-01", True])
def test_parse_date_refuses_nonsense_in_chinese(raw):
    with pytest.raises(CellError, match="日期"):
        cells.parse_date(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2023-09-15 14:30",
        "2023/9/15 14:30:00",
        "2023年9月15日 14:30",
        "20230915 14:30",
        45184 + 14.5 / 24,
    ],
)
def test_parse_datetime_is_aware_in_shanghai(raw):
    value = cells.parse_datetime(raw)
    assert value == dt.datetime(2023, 9, 15, 14, 30, tzinfo=cells.SHANGHAI)


@pytest.mark.parametrize(
    "raw,expected",
    [("是", True), ("Y", True), ("√", True), ("否", False), ("N", False), ("", None)],
)
def test_parse_bool(raw, expected):
    assert cells.parse_bool(raw) is expected


def test_parse_bool_refuses_other_words():
    with pytest.raises(CellError, match="是.*否"):
        cells.parse_bool("可能")


@pytest.mark.parametrize(
    "raw,expected",
    [
        (13800138000.0, "13800138000"),
        ("13800138000.0", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        (" QSH-01 ", "QSH-01"),
        ("ｑｓｈ－０１", "qsh-01"),
    ],
)
def test_parse_code_normalises_what_excel_did(raw, expected):
    assert cells.parse_code(raw) == expected


def test_parse_code_refuses_scientific_notation():
    with pytest.raises(CellError, match="科学计数法"):
        cells.parse_code("1.38001E+10")


@pytest.mark.parametrize(
    "raw,expected",
    [("60%", 60), (60, 60), (0.6, 60), (1.0, 100), ("1%", 1), ("１００", 100), ("", None)],
)
def test_parse_percent(raw, expected):
    assert cells.parse_int(raw, low=0, high=100, percent=True) == expected


def test_a_percent_formatted_cell_reads_as_shown():
    """100% in a cell formatted as a percentage reads 100, not 1; 60% reads 60."""
    import io

    import python_calamine
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet, percent = book.add_worksheet(), book.add_format({"num_format": "0%"})
    sheet.write_number(0, 0, 1.0, percent)
    sheet.write_number(0, 1, 0.6, percent)
    book.close()
    row = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    cells_read = row.get_sheet_by_index(0).to_python()[0]
    assert [cells.parse_int(v, low=0, high=100, percent=True) for v in cells_read] == [100, 60]


def test_parse_percent_out_of_range():
    with pytest.raises(CellError, match="超出范围"):
        cells.parse_int("120%", low=0, high=100, percent=True)


def test_split_multi_accepts_every_separator():
    assert cells.split_multi("A、B,C，D;E；F\nG") == list("ABCDEFG")


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_every_written_form_of_a_date_reads_back(day):
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
    ]
    assert {cells.parse_date(f) for f in forms} == {day}


@given(
    st.lists(st.text(alphabet="ABCXYZ0123456789-", min_size=1, max_size=8), max_size=6),
    st.sampled_from(["、", ",", "，", ";", "；", "\n"]),
)
def test_split_multi_round_trips(values, separator):
    assert cells.split_multi(separator.join(values)) == values


@given(st.integers(min_value=0, max_value=10**15))
def test_codes_stored_as_numbers_come_back_as_text(number):
    assert cells.parse_code(float(number) if number < 2**53 else number) == str(number)
