from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "taizhang.core"
    label = "core"
    verbose_name = "核心"
    commands = {
        "template": ("ledger_template", "生成带下拉选项的空白模板"),
        "import": ("ledger_import", "导入台账文件"),
        "export": ("ledger_export", "导出台账"),
        "ledgers": ("ledgers", "列出台账；--markdown 生成台账说明文档"),
        "audit": ("audit", "审计记录（audit verify 校验哈希链；audit export 导出）"),
    }

    navigation = [("audit-list", "审计", 86, "taizhang.core.access.may_read_audit")]

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the system checks)

        # Each installed app's ledgers.py and figures.py, as Django admin finds admin.py.
        autodiscover_modules("ledgers")
        autodiscover_modules("figures")
