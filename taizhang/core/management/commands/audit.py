from xlsxwriter.exceptions import FileCreateError

from taizhang.core.audit import audit_record, audit_search, audit_verify, write_audit_export
from taizhang.core.cells import CellError, parse_date
from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = (
        "审计记录：verify 校验哈希链，发现被修改、删除或插入的记录；"
        "export [--from 日期] [--to 日期] 文件.xlsx 导出审计记录（应用从不删除审计记录）"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "export"])
        parser.add_argument("file", nargs="?", help="export：写入的 Excel 文件")
        parser.add_argument("--from", dest="date_from", default="", help="起始日期（含）")
        parser.add_argument("--to", dest="date_to", default="", help="截止日期（含）")

    def handle(self, *args, action, file, date_from, date_to, **options):
        if action == "export":
            self.export(file, date_from, date_to)
            return
        count, problems = audit_verify()
        if problems:
            self.reject(
                [*problems[:50], f"审计链校验未通过：共 {count} 条，发现 {len(problems)} 处问题"]
            )
        self.stdout.write(f"审计链完整：共 {count} 条记录。")

    def export(self, file, date_from, date_to):
        if not file:
            self.reject("请指定导出文件，例如：taizhang audit export 审计.xlsx", 2)
        try:
            start, end = parse_date(date_from), parse_date(date_to)
        except CellError as error:
            self.reject(f"日期不正确：{error}", 2)
        try:
            count = write_audit_export(
                audit_search(date_from=start, date_to=end), file, masked=False
            )
        except (OSError, FileCreateError) as error:
            self.reject(f"无法写入“{file}”：{error}", 2)
        audit_record(
            actor=None,
            action="core.audit.export",
            ledger="audit",
            key="",
            after={
                "filter": f"{date_from or '开始'} 至 {date_to or '现在'}",
                "params": {"from": date_from, "to": date_to},
                "rows": count,
            },
        )
        self.stdout.write(f"已导出 {count} 条审计记录到 {file}")
