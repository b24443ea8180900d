"""The 周调度 agenda as a Word document (python-docx)."""

import io

from docx import Document


def agenda_docx(week: dict) -> bytes:
    doc = Document()
    doc.add_heading(
        f"主题教育办公室周调度会议议程（{week['monday']} 至 {week['sunday']}）", level=1
    )
    doc.add_heading(f"一、本周到期任务（{len(week['due'])} 项）", level=2)
    _table(
        doc,
        ["任务编号", "任务名称", "截止日期", "进度"],
        [[t.code, t.name, str(t.due_on), f"{t.progress}%"] for t in week["due"]],
    )
    doc.add_heading(f"二、逾期任务（{week['overdue_count']} 项，按工作组）", level=2)
    for label, tasks in week["overdue"]:
        doc.add_paragraph(f"{label}（{len(tasks)} 项）")
        _table(
            doc,
            ["任务编号", "任务名称", "截止日期", "进度"],
            [[t.code, t.name, str(t.due_on), f"{t.progress}%"] for t in tasks],
        )
    doc.add_heading(f"三、未签收的工作提示（{len(week['prompts'])} 份）", level=2)
    _table(
        doc,
        ["文号", "标题", "发出日期", "未签收"],
        [
            [p.doc_number or p.code, p.title, str(p.issued_on), f"{p.unsigned}/{p.recipients}"]
            for p in week["prompts"]
        ],
    )
    doc.add_heading(f"四、未反馈的整改单（{len(week['notices'])} 份）", level=2)
    _table(
        doc,
        ["整改单编号", "组织", "事项", "整改时限"],
        [[n.code, n.org.name, n.matter, str(n.deadline or "")] for n in week["notices"]],
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc, headers, rows):
    if not rows:
        doc.add_paragraph("无")
        return
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
