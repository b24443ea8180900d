from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from taizhang.core.access import may_read
from taizhang.core.ledger import registry
from taizhang.core.ledger_read import ledger_search


@login_required
def work_groups_board(request):
    """Work groups with their leaders and members: who carries the office's tasks."""
    ledger = registry["work_groups"]
    groups = ledger_search(ledger, request.user)[:100] if may_read(ledger, request.user) else []
    return render(request, "orgs/work_groups_board.html", {"groups": groups})
