from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "taizhang.visits"
    label = "visits"
    verbose_name = "走访与诉求"
