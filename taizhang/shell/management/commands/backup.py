from taizhang.core.management.base import TaizhangCommand
from taizhang.shell.backup import BackupProblem, backup_create


class Command(TaizhangCommand):
    help = "备份数据库与附件到一个文件（含清单：版本、日期、各台账条数、审计链末端哈希）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件，如 taizhang-20240101.tar.gz")

    def handle(self, *args, file, **options):
        try:
            manifest = backup_create(file)
        except BackupProblem as problem:
            self.reject(str(problem), problem.code)
        except OSError as error:
            self.reject(f"无法写入“{file}”：{error}", 2)
        rows = sum(f["rows"] + f["archived"] for f in manifest["ledgers"].values())
        self.stdout.write(
            f"已备份到 {file}：{len(manifest['ledgers'])} 本台账共 {rows} 条，"
            f"附件 {manifest['files']} 个，审计记录 {manifest['audit']['entries']} 条"
            f"（末端哈希 {manifest['audit']['head'][:16]}…）。"
        )
