from taizhang.core.audit import audit_verify
from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = "审计记录：verify 校验哈希链，发现被修改、删除或插入的记录"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        count, problems = audit_verify()
        if problems:
            self.reject(
                [*problems[:50], f"审计链校验未通过：共 {count} 条，发现 {len(problems)} 处问题"]
            )
        self.stdout.write(f"审计链完整：共 {count} 条记录。")
