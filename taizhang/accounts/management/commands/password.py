import getpass
import os

from django.core.exceptions import ValidationError

from taizhang.accounts.models import User
from taizhang.accounts.services import password_set
from taizhang.core.management.base import TaizhangCommand


class Command(TaizhangCommand):
    help = "在服务器上为用户设置密码（取自 TAIZHANG_PASSWORD 或提示输入；用户下次登录须修改）"

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        user = User.objects.filter(username=name).first()
        if user is None:
            self.reject(f"用户“{name}”不存在")
        password = os.environ.get("TAIZHANG_PASSWORD") or getpass.getpass("新密码：")
        try:
            password_set(actor=None, user=user, password=password, must_change=True)
        except ValidationError as error:
            self.reject([f"密码：{m}" for m in error.messages])
        self.stdout.write(
            f"已为用户 {name} 设置密码，其下次登录时须修改密码；其接口令牌已全部吊销。"
        )
