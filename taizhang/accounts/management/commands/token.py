from taizhang.accounts.models import User
from taizhang.accounts.services import token_create
from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = "为用户签发新的 API 令牌（只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            self.reject(f"用户“{name}”不存在")
        self.stdout.write(token_create(actor=None, user=user))
