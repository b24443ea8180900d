"""Finding the table in a clerk's sheet, whatever sits above it and however the headers
are dressed (property test), and writing dates and times back as the office reads them."""

import datetime as dt
import io

import python_calamine
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.cells import SHANGHAI
from taizhang.core.spreadsheet import SheetWriter, find_table

HEADERS = ["人员编号", "姓名", "所在组织编码", "手机号码", "人员类别"]
REQUIRED = HEADERS[:3]
dress = st.sampled_from(["{}", " {} ", "{}*", "{}(必填)", "{}（必填）", "{}\n", "\u3000{}", "{}＊"])
title = st.lists(
    st.sampled_from(["青山湖区人员台账", "填报单位：湖坊镇", "", None, "填报日期：2023年9月15日"]),
    max_size=3,
)


@given(
    order=st.permutations(HEADERS),
    dressing=st.lists(dress, min_size=5, max_size=5),
    titles=st.lists(title, max_size=4),
    extra=st.lists(st.sampled_from(["序号", "备注", "审核意见"]), max_size=2, unique=True),
    rows=st.lists(
        st.tuples(
            st.text("ABC0123456789", min_size=1, max_size=6),
            st.text("张王李赵", min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_header_row_is_found_and_every_cell_lands_under_its_header(
    order, dressing, titles, extra, rows
):
    header = [d.format(h) for d, h in zip(dressing, order, strict=True)] + extra
    cells = [list(t) for t in titles] + [header]
    for code, name in rows:
        values = {
            "人员编号": code,
            "姓名": name,
            "所在组织编码": "QSH",
            "手机号码": "",
            "人员类别": "",
        }
        cells.append([values[h] for h in order] + ["x"] * len(extra))
    table = find_table(cells, HEADERS, REQUIRED)
    assert sorted(table.headers) == sorted(HEADERS)
    assert [(r["人员编号"], r["姓名"]) for _, r in table.rows] == rows
    assert table.rows[0][0] == len(titles) + 2  # the row number a spreadsheet program shows


def test_datetimes_are_written_in_shanghai_time():
    buffer = io.BytesIO()
    writer = SheetWriter(buffer, "会议")
    writer.write_row([dt.datetime(2023, 9, 15, 6, 30, tzinfo=dt.UTC), dt.date(2023, 9, 15)])
    writer.close()
    cells = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert cells[0] == [dt.datetime(2023, 9, 15, 14, 30), dt.date(2023, 9, 15)]
    assert dt.datetime(2023, 9, 15, 14, 30, tzinfo=SHANGHAI) == dt.datetime(
        2023, 9, 15, 6, 30, tzinfo=dt.UTC
    )
