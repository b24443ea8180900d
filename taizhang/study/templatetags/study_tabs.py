"""The 学习 tabs a user can open (never one that leads to 无权访问)."""

from django import template

from taizhang.core.access import may_read
from taizhang.core.ledger import registry

register = template.Library()

TABS = [
    ("reach", "study-reach", "", "不掉队", ("people", "study_sessions")),
    ("categories", "study-categories", "", "分类指导", ("study_sessions",)),
    ("similar", "study-similar", "", "疑似雷同", ("study_articles",)),
    ("sessions", "ledger-list", "study_sessions", "学习活动", ("study_sessions",)),
    ("plans", "ledger-list", "study_plans", "学习计划", ("study_plans",)),
    ("articles", "ledger-list", "study_articles", "学习体会文章", ("study_articles",)),
    ("publicity", "ledger-list", "publicity", "宣传稿件", ("publicity",)),
]


@register.inclusion_tag("study/_tab_items.html", takes_context=True)
def study_tabs(context, tab):
    from django.urls import reverse

    user = context["request"].user
    shown = [
        (key, reverse(url_name, args=[arg] if arg else []), label)
        for key, url_name, arg, label, ledgers in TABS
        if all(may_read(registry[name], user) for name in ledgers)
    ]
    return {"tabs": shown, "tab": tab}
