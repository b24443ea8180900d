from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taizhang.accounts"
    label = "accounts"
    verbose_name = "账号与授权"
    commands = {
        "createuser": ("createuser", "创建用户并授权"),
        "token": ("token", "为用户签发 API 令牌"),
    }

    def ready(self):
        from .backends import admin_site_follows_grants

        admin_site_follows_grants()
