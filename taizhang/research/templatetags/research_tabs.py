"""The 调研 tabs a user can open (never one that leads to 无权访问)."""

from django import template
from django.urls import reverse

from taizhang.core.access import may_read
from taizhang.core.ledger import registry

register = template.Library()

TABS = [
    ("conflicts", "research-conflicts", "", "扎堆·多头·重复", "research_trips"),
    ("overview", "research-overview", "", "选题与报告", "research_topics"),
    ("calendar", "research-leaders", "", "领导调研日历", "research_trips"),
    ("trips", "ledger-list", "research_trips", "调研活动", "research_trips"),
    ("topics", "ledger-list", "research_topics", "调研选题", "research_topics"),
    ("reports", "ledger-list", "research_reports", "调研报告", "research_reports"),
]


@register.inclusion_tag("research/_tab_items.html", takes_context=True)
def research_tabs(context, tab):
    user = context["request"].user
    shown = [
        (key, reverse(url_name, args=[arg] if arg else []), label)
        for key, url_name, arg, label, ledger in TABS
        if may_read(registry[ledger], user)
    ]
    return {"tabs": shown, "tab": tab}
