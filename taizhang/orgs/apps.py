from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "taizhang.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self):
        from . import ledgers  # noqa: F401  (registers the ledger declarations)
