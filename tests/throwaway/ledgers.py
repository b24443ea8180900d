from taizhang.core.ledger import Column, Ledger, register

from .models import Note, NoteStatus, Remark


@register
class NoteLedger(Ledger):
    name = "notes"
    title = "示例记录"
    model = Note
    scope_via = "org"
    date_field = "noted_on"
    columns = [
        Column("记录编号", "code", "code", required=True),
        Column("组织编码", "org", "ref", required=True, ref="orgs"),
        Column("记录日期", "noted_on", "date", required=True),
        Column("金额", "amount", "decimal"),
        Column("内容", "body", "longtext"),
        Column("附件", "evidence", "file", accept=(".pdf", ".png"), max_mb=1),
        Column("状态", "status", "choice", choices=NoteStatus.values, default="办理中"),
    ]
    search_fields = ("code", "body")
    list_fields = ("code", "org", "noted_on", "amount", "status")
    default_order = "code"

    def example_row(self, ex):
        return {
            "code": f"N{ex.n}",
            "org": ex.org,
            "noted_on": "2023-10-01",
            "amount": "1234.5",
            "body": f"示例{ex.n}",
        }

    def warn_rows(self, rows, ctx):
        return [
            (i, "amount", "金额超过 100 万元，请核实")
            for i, (_, row) in enumerate(rows)
            if row.get("amount") is not None and row["amount"] > 1_000_000
        ]

    def audit_action(self, before, after):
        if after["status"] == "已办结" and (before is None or before["status"] != "已办结"):
            return "throwaway.note.closed"
        return None


@register
class RemarkLedger(Ledger):
    name = "remarks"
    title = "示例批注"
    model = Remark
    scope_via = "note"
    columns = [
        Column("批注编号", "code", "code", required=True),
        Column("记录编号", "note", "ref", required=True, ref="notes"),
        Column("批注", "text", "text", required=True),
    ]
    search_fields = ("code", "text")

    def example_row(self, ex):
        return {"code": f"R{ex.n}", "note": ex.ref("notes"), "text": f"示例批注{ex.n}"}
