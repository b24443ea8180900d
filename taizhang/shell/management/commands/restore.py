from taizhang.core.management.base import TaizhangCommand
from taizhang.shell.backup import BackupProblem, backup_restore


class Command(TaizhangCommand):
    help = "从备份文件恢复数据库与附件，随后校验审计链"

    def add_arguments(self, parser):
        parser.add_argument("file", help="taizhang backup 写出的备份文件")
        parser.add_argument(
            "--force", action="store_true", help="当前数据库已有数据时，确认覆盖全部数据"
        )

    def handle(self, *args, file, force, **options):
        try:
            restored = backup_restore(file, force=force)
        except BackupProblem as problem:
            self.reject(str(problem), problem.code)
        manifest = restored.manifest
        self.stdout.write(
            f"已从 {file} 恢复（备份于 {manifest.get('created_at', '')[:19].replace('T', ' ')}，"
            f"版本 {manifest.get('version')}）："
        )
        for name, figures in manifest.get("ledgers", {}).items():
            self.stdout.write(
                f"  {name}：在用 {figures['rows']} 条，已归档 {figures['archived']} 条"
            )
        self.stdout.write(f"  附件 {manifest.get('files', 0)} 个")
        if restored.audit_problems or restored.mismatches:
            self.reject(
                [
                    *restored.mismatches,
                    *restored.audit_problems[:50],
                    f"恢复后校验未通过：审计记录 {restored.audit_entries} 条，"
                    f"发现 {len(restored.audit_problems) + len(restored.mismatches)} 处问题",
                ]
            )
        self.stdout.write(f"审计链完整：共 {restored.audit_entries} 条记录，与备份清单一致。")
