from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "taizhang.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks  # noqa: F401  (registers the system checks)

        # Each installed app's ledgers.py and figures.py, as Django admin finds admin.py.
        autodiscover_modules("ledgers")
        autodiscover_modules("figures")
