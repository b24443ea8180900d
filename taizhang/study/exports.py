"""The 不掉队 list as the branch secretary's workbook."""

import io

import xlsxwriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "姓名", "人员编号", "所在组织", "组织编码", "人员类别", "手机号码", "已安排"]


def not_reached_workbook(org, start, end, rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("不掉队名单")
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    cell = book.add_format({"border": 1})
    # write_string throughout: a name beginning with "=" stays text, never a formula.
    sheet.write_string(0, 0, f"{org.name}尚未参学党员名单（不掉队）", title)
    sheet.write_string(1, 0, f"期间：{start} 至 {end}　共 {len(rows)} 人")
    for col, header in enumerate(HEADERS):
        sheet.write_string(3, col, header, head)
    for n, row in enumerate(rows, 1):
        values = [
            n,
            row["name"],
            row["code"],
            row["org_name"],
            row["org_code"],
            row["kinds"],
            row["mobile"],
            row["planned"],
        ]
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(3 + n, col, value, cell)
            else:  # write_string never makes a formula: "=…" stays text
                sheet.write_string(3 + n, col, value or "", cell)
    for col, width in enumerate((6, 10, 12, 30, 18, 16, 14, 20)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(4, 0)
    book.close()
    return buffer.getvalue()
