from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from taizhang.core import tree
from taizhang.core.audit import audit_record
from taizhang.core.ledger_files import write_export
from taizhang.core.ledger_read import ledger_search
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope


class Command(TaizhangCommand):
    help = "导出台账为 Excel 文件"

    def add_arguments(self, parser):
        parser.add_argument("ledger")
        parser.add_argument("file")
        parser.add_argument("--org", default="", help="只导出该组织及其下级")

    def handle(self, *args, ledger, file, org, **options):
        declaration = self.ledger(ledger)
        if org and not tree.paths_by_code([org]):
            self.reject(f"组织“{org}”不存在")
        # The operator at the command line reads everything, through the same door.
        rows = ledger_search(declaration, Scope.all(), org=org)
        count = 0

        def values():
            nonlocal count
            for obj in rows.iterator(2000):
                count += 1
                yield declaration.values(obj)

        try:
            write_export(ledger=declaration, rows=values(), target=file)
        except (OSError, FileCreateError) as error:
            self.reject(f"无法写入“{file}”：{error}", 2)
        audit_record(
            actor=None,
            action="core.export",
            ledger=declaration.name,
            key="",
            after={
                "filter": f"组织 {org}（含下级）" if org else "全部",
                "params": {"org": org},
                "rows": count,
                "file": Path(file).name,
            },
        )
        self.stdout.write(f"已导出 {count} 条到 {file}")
