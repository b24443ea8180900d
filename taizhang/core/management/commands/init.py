from django.core.management import call_command

from taizhang.core.management.base import TaizhangCommand
from taizhang.orgs.services import categories_ensure_defaults


class Command(TaizhangCommand):
    help = "创建或升级数据库"

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        categories_ensure_defaults()
        self.stdout.write("数据库已就绪。")
