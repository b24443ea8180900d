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

    @property
    def navigation(self):
        """审计 in the navigation of those who may open it: the shell asks while serving a
        request (core/source.py keeps the request being served)."""
        from .access import may_read_audit
        from .source import current

        request = current().request
        user = getattr(request, "user", None)
        return [("audit-list", "审计", 85)] if user is not None and may_read_audit(user) else []

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the system checks)

        # Each installed app's ledgers.py and figures.py, as Django admin finds admin.py.
        autodiscover_modules("ledgers")
        autodiscover_modules("figures")
