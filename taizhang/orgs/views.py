from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.ledger_read import ledger_search


@login_required
def work_groups_board(request):
    """Work groups with their leaders and members: who carries the office's tasks."""
    ledger, people = registry["work_groups"], registry["people"]
    if not may_read(ledger, request.user):
        return render(request, "orgs/work_groups_board.html", {"groups": []})
    groups = list(ledger_search(ledger, request.user)[:100])
    # Names only of the people the user may read; the others are counted, not named.
    readable = set()
    if may_read(people, request.user):
        wanted = {m.pk for g in groups for m in g.members.all()} | {g.leader_id for g in groups}
        readable = set(
            rows_for_read(people, request.user).filter(pk__in=wanted).values_list("pk", flat=True)
        )
    board = [
        {
            "group": g,
            "leader": g.leader if g.leader_id in readable else None,
            "members": [m for m in g.members.all() if m.pk in readable],
            "count": len(g.members.all()),
        }
        for g in groups
    ]
    context = {"groups": board, "dispatch_tabs": apps.is_installed("taizhang.dispatch")}
    return render(request, "orgs/work_groups_board.html", context)
