from taizhang.core.access import rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.management.base import TaizhangCommand
from taizhang.core.scope import Scope


class Command(TaizhangCommand):
    help = "示例记录条数"

    def handle(self, *args, **options):
        self.stdout.write(f"示例记录 {rows_for_read(registry['notes'], Scope.all()).count()} 条")
