from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from taizhang.core.cells import CellError, parse_date
from taizhang.core.figures import UnknownOrg, window_for
from taizhang.core.scope import scope_for

from .selectors import figure_cards


@login_required
def stats_view(request):
    org = request.GET.get("org", "")
    context = {
        "org": org,
        "date_from": request.GET.get("from", ""),
        "to": request.GET.get("to", ""),
    }
    try:
        start, end = parse_date(context["date_from"]), parse_date(context["to"])
    except CellError as error:
        return render(
            request, "stats/stats.html", {**context, "error": f"日期：{error}"}, status=400
        )
    try:
        window = window_for(scope_for(request.user), org=org, date_from=start, date_to=end)
    except UnknownOrg as error:
        return render(request, "stats/stats.html", {**context, "error": str(error)}, status=404)
    return render(request, "stats/stats.html", {**context, "groups": figure_cards(window, org)})


def home_panel(request) -> str:
    """The figures of the caller's whole scope, on the home page."""
    window = window_for(scope_for(request.user))
    groups = figure_cards(window)
    if not groups:
        return ""  # nothing to count for this user: no panel rather than an empty one
    return render_to_string("stats/_figures.html", {"groups": groups}, request=request)
