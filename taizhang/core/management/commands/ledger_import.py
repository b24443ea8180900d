from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from taizhang.core.ledger_files import ledger_import, write_errors
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.spreadsheet import FileProblem


class Command(TaizhangCommand):
    help = "导入台账文件（全部成功才写入；可重复导入）"

    def add_arguments(self, parser):
        parser.add_argument("ledger")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="把错误写入这个 Excel 文件")

    def handle(self, *args, ledger, file, dry_run, errors, **options):
        declaration = self.ledger(ledger)
        path = Path(file)
        if not path.is_file():
            self.reject(f"文件“{file}”不存在或无法读取", 2)
        try:
            outcome = ledger_import(
                ledger=declaration,
                actor=None,
                content=path.read_bytes(),
                filename=path.name,
                dry_run=dry_run,
            )
        except FileProblem as problem:
            self.reject(f"{path.name}: {problem}", 2)
        if outcome.problems:
            if errors:
                try:
                    write_errors(ledger=declaration, outcome=outcome, target=errors)
                except (OSError, FileCreateError) as error:
                    self.stderr.write(f"无法写入错误文件“{errors}”：{error}")
            for problem in outcome.problems:
                self.stdout.write(problem.line())
            self.reject(f"共 {len(outcome.problems)} 处问题，未写入任何数据。")
        for warning in outcome.warnings:
            self.stdout.write(f"提示：{warning.line()}")
        verb = "检查通过，将" if dry_run else "导入完成："
        self.stdout.write(f"{verb}{outcome.summary()}。")
