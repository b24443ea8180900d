from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgsConfig(AppConfig):
    name = "taizhang.orgs"
    label = "orgs"
    verbose_name = "组织与人员"
    navigation = [("me", "我的", 5, "taizhang.orgs.selectors.has_own_record")]
    home_panels = [("taizhang.orgs.views.my_home_panel", 5)]

    def ready(self):
        post_migrate.connect(_defaults, sender=self)


def _defaults(sender, **kwargs):
    """The default 所属领域 list, written once into an empty database."""
    from .services import categories_ensure_defaults

    categories_ensure_defaults()
