"""The figures of a page: each with the link to exactly the rows it counts."""

from urllib.parse import urlencode

from django.urls import reverse

from taizhang.core.figures import Window, figures_counted, group_registry


def figure_link(figure, window: Window, org: str = "") -> str:
    query = {"figure": figure.key}
    if org:
        query["org"] = org
    if window.date_from:
        query["from"] = window.date_from.isoformat()
    if window.date_to:
        query["to"] = window.date_to.isoformat()
    if figure.page:
        return reverse(figure.page) + "?" + urlencode(query)
    return reverse("ledger-list", args=[figure.ledger]) + "?" + urlencode(query)


def figure_cards(window: Window, org: str = "") -> list[dict]:
    """Groups of {label, value, link} for the figures the window's scope reads."""
    groups: dict[str, dict] = {}
    for figure, count in figures_counted(window):
        title = group_registry[figure.group].title
        group = groups.setdefault(figure.group, {"title": title, "items": []})
        group["items"].append(
            {
                "key": figure.key,
                "label": figure.label,
                "value": count,
                "unit": figure.unit,
                "link": figure_link(figure, window, org),
            }
        )
    return list(groups.values())


def has_figures(user) -> bool:
    """Whether the 统计 page shows `user` anything: a figure of a ledger they read."""
    from taizhang.core.access import may_read
    from taizhang.core.figures import figure_registry
    from taizhang.core.ledger import registry

    ledgers = {figure.ledger for figure in figure_registry.values()}
    return any(may_read(registry[name], user) for name in ledgers if name in registry)
