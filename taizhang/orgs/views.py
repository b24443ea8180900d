from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import org_children_counts, org_pick


@login_required
def org_picker(request):
    """The org-tree picker: search by code or name, or open a node's children (htmx)."""
    orgs = org_pick(
        request.user, q=request.GET.get("q", "").strip(), parent=request.GET.get("parent", "")
    )
    return render(
        request,
        "orgs/_picker.html",
        {
            "orgs": orgs,
            "counts": org_children_counts(orgs),
            "target": request.GET.get("target", "org"),
        },
    )
