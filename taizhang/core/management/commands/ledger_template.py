from xlsxwriter.exceptions import FileCreateError

from taizhang.core.ledger_files import write_template
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope


class Command(TaizhangCommand):
    help = "生成带下拉选项的空白模板"

    def add_arguments(self, parser):
        parser.add_argument("ledger")
        parser.add_argument("file")

    def handle(self, *args, ledger, file, **options):
        declaration = self.ledger(ledger)
        try:
            write_template(ledger=declaration, target=file, scope=Scope.all())
        except (OSError, FileCreateError) as error:
            self.reject(f"无法写入“{file}”：{error}", 2)
        self.stdout.write(f"模板已写入 {file}")
