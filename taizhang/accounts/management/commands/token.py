from django.conf import settings

from taizhang.accounts.models import User
from taizhang.accounts.services import token_create
from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = "为用户签发新的 API 令牌（只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"有效天数（默认 {settings.TOKEN_DAYS}，即 TAIZHANG_TOKEN_DAYS）",
        )
        parser.add_argument("--label", default="命令行签发", help="令牌名称（用途）")

    def handle(self, *args, name, days, label, **options):
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            self.reject(f"用户“{name}”不存在")
        if days is not None and days < 1:
            self.reject("有效天数须为正整数")
        self.stdout.write(token_create(actor=None, user=user, name=label, days=days))
