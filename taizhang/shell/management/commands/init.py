from django.core.management import call_command

from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = "创建或升级数据库"

    def handle(self, *args, **options):
        # Apps put their defaults in place on post_migrate (e.g. the 所属领域 list).
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已就绪。")
