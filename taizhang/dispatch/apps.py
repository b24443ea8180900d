from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "taizhang.dispatch"
    label = "dispatch"
    verbose_name = "调度"
    navigation = [
        ("dispatch-board", "调度", 20, "taizhang.dispatch.selectors.reads_dispatch"),
        ("dispatch-weekly", "周调度", 21, "taizhang.dispatch.selectors.reads_dispatch"),
        ("dispatch-daily", "每日动态", 22, "taizhang.dispatch.selectors.reads_dispatch"),
    ]
    home_panels = [("taizhang.dispatch.views.home_panel", 15)]

    def ready(self):
        from taizhang.accounts.signals import credentials_revoked

        from .services import _credentials_revoked

        credentials_revoked.connect(_credentials_revoked, dispatch_uid="dispatch-feed-revoke")
