import getpass
import os

from django.core.exceptions import ValidationError

from taizhang.accounts.models import Role, User
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.management.base import TaizhangCommand
from taizhang.orgs.models import Organization


class Command(TaizhangCommand):
    help = "创建用户并授予角色（密码取自 TAIZHANG_PASSWORD 或提示输入）"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--org", required=True, help="授权的组织编码（含下级）")
        parser.add_argument("--display-name", default="")

    def handle(self, *args, name, role, org, display_name, **options):
        organization = Organization.objects.filter(code=org, archived_at=None).first()
        if organization is None:
            self.reject(f"组织“{org}”不存在")
        existing = User.objects.filter(username=name).first()
        if existing is not None:
            # Grants are several per user: naming an existing user adds one.
            try:
                grant_add(actor=None, user=existing, role=role, org=organization)
            except ValidationError as error:
                self.reject(error.messages)
            self.stdout.write(
                f"已为用户 {name} 增加授权（{Role(role).label}，{organization.name}）"
            )
            return
        password = os.environ.get("TAIZHANG_PASSWORD") or getpass.getpass("密码：")
        try:
            user_create(
                actor=None,
                username=name,
                password=password,
                role=role,
                org=organization,
                display_name=display_name,
            )
        except ValidationError as error:
            self.reject([f"密码：{m}" for m in error.messages])
        self.stdout.write(f"已创建用户 {name}（{Role(role).label}，{organization.name}）")
