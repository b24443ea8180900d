from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from taizhang.core.ledger import registry
from taizhang.core.ledger_read import can_read

from .figures import FIGURES, GROUP_TITLES
from .selectors import UnknownOrg, figures


def figure_cards(user, org: str = "") -> list[dict]:
    """Figures in the caller's scope, each with the link to the rows it counts."""
    values = figures(user=user, org=org)
    groups: dict[str, dict] = {}
    for figure in FIGURES:
        ledger = registry[figure.ledger]
        if not can_read(ledger, user):
            continue
        query = {f"f_{k}": v for k, v in figure.filters.items()}
        if org:
            query["org"] = org
        link = reverse("ledger-list", args=[figure.ledger]) + (
            "?" + urlencode(query) if query else ""
        )
        group = groups.setdefault(figure.group, {"title": GROUP_TITLES[figure.group], "items": []})
        group["items"].append(
            {"label": figure.label, "value": values[figure.group][figure.key], "link": link}
        )
    return list(groups.values())


@login_required
def stats_view(request):
    org = request.GET.get("org", "")
    try:
        groups = figure_cards(request.user, org)
    except UnknownOrg as error:
        return render(request, "stats/stats.html", {"error": str(error), "groups": []}, status=404)
    return render(request, "stats/stats.html", {"groups": groups, "org": org})
