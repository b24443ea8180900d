from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "taizhang.study"
    label = "study"
    verbose_name = "学习"
    navigation = [
        ("study-reach", "学习", 30, "taizhang.study.selectors.reads_people_and_study"),
    ]
    commands = {"study": ("study", "学习：疑似雷同文章检测")}
    home_panels = [("taizhang.study.views.home_panel", 20)]
    me_sections = [("taizhang.study.views.me_section", 10)]
