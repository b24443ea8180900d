from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ResearchConfig(AppConfig):
    name = "taizhang.research"
    label = "research"
    verbose_name = "调查研究"
    navigation = [("research-conflicts", "调研", 35, "taizhang.research.selectors.reads_research")]
    commands = {"research": ("research", "调研：扎堆、多头、重复调研检测")}

    def ready(self):
        from taizhang.accounts.signals import credentials_revoked

        post_migrate.connect(_defaults, sender=self)

        from .services import feeds_revoke

        credentials_revoked.connect(feeds_revoke, dispatch_uid="research-feed-revoke")


def _defaults(sender, **kwargs):
    """The 12 types of research topics, written once into an empty list (editable after)."""
    from .services import categories_ensure_defaults

    categories_ensure_defaults()
