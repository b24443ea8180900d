from django.apps import AppConfig


class ThrowawayConfig(AppConfig):
    name = "tests.throwaway"
    label = "throwaway"
    verbose_name = "示例应用"
    navigation = [("notes-board", "示例", 70)]
    commands = {"notes": ("notes", "示例记录条数")}
    home_panels = [("tests.throwaway.views.home_panel", 50)]
