from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "taizhang.stats"
    label = "stats"
    verbose_name = "统计"
    navigation = [("stats", "统计", 80, "taizhang.stats.selectors.has_figures")]
    commands = {"stats": ("stats", "统计数字")}
    home_panels = [("taizhang.stats.views.home_panel", 10)]
