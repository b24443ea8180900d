from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "taizhang.visits"
    label = "visits"
    verbose_name = "走访与诉求"
    navigation = [
        ("visits-appeals", "诉求", 40, "taizhang.visits.selectors.reads_appeals"),
        ("visits-quota", "走访", 41, "taizhang.visits.selectors.reads_visits"),
    ]
    home_panels = [("taizhang.visits.views.home_panel", 25)]
