from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "taizhang.stats"
    label = "stats"
    verbose_name = "统计"
