from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "taizhang.research"
    label = "research"
    verbose_name = "调查研究"
    navigation = [("research-conflicts", "调研", 35, "taizhang.research.selectors.reads_research")]
    commands = {"research": ("research", "调研：扎堆、多头、重复调研检测")}

    def ready(self):
        from taizhang.accounts.signals import credentials_revoked

        from .services import feeds_revoke

        credentials_revoked.connect(feeds_revoke, dispatch_uid="research-feed-revoke")
