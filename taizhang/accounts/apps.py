from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taizhang.accounts"
    label = "accounts"
    verbose_name = "账号与授权"
    # 用户管理: for admin and office users (its views answer 403 to anyone else).
    navigation = [
        ("users", "用户管理", 84, "taizhang.accounts.managing.is_manager"),
        ("account", "账号安全", 85),
    ]
    commands = {
        "createuser": ("createuser", "创建用户并授权"),
        "password": ("password", "在服务器上为用户设置密码（下次登录须修改）"),
        "token": ("token", "为用户签发 API 令牌（--days 有效天数，--label 名称）"),
    }

    def ready(self):
        from . import services  # noqa: F401  (registers the audit's action labels)
        from .backends import admin_site_follows_grants

        admin_site_follows_grants()
