"""The 调度 tabs a user can open (never one that leads to 无权访问)."""

from django import template

from taizhang.core.access import may_read
from taizhang.core.ledger import registry

register = template.Library()

TABS = [
    ("board", "dispatch-board", "挂图作战", "tasks"),
    ("weekly", "dispatch-weekly", "周调度", "tasks"),
    ("daily", "dispatch-daily", "每日动态", "tasks"),
    ("groups", "work-groups-board", "工作组", "work_groups"),
    ("series", "dispatch-series", "会议系列", "meetings"),
    ("calendar", "dispatch-calendar", "会议日历", None),
    ("inbox", "dispatch-inbox", "站内消息", None),
]


@register.inclusion_tag("dispatch/_tab_items.html", takes_context=True)
def dispatch_tabs(context, tab):
    user = context["request"].user
    shown = [
        (key, url_name, label)
        for key, url_name, label, ledger in TABS
        if ledger is None or may_read(registry[ledger], user)
    ]
    return {"tabs": shown, "tab": tab}
