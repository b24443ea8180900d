from django.apps import AppConfig


class ShellConfig(AppConfig):
    """Home, navigation, system and error pages, and the demo/init/serve/backup/restore
    commands. It discovers what each installed app contributes (taizhang/shell/discovery.py)."""

    name = "taizhang.shell"
    label = "shell"
    verbose_name = "外壳"
    navigation = [
        ("home", "首页", 0),
        ("ledger-index", "台账", 50, "taizhang.core.access.reads_any_ledger"),
        ("system", "系统", 90),
    ]
    commands = {
        "init": ("init", "创建或升级数据库"),
        "demo": ("demo", "载入演示区县（青山湖区）"),
        "serve": ("serve", "启动生产 Web 服务"),
        "backup": ("backup", "备份数据库与附件到一个文件"),
        "restore": ("restore", "从备份文件恢复数据库与附件"),
    }

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("demo")
        from . import backup  # noqa: F401  (registers the audit labels of backup/restore)
