from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.ledger_read import ledger_search

from .selectors import own_person, secretaries_of


def _mine(user) -> dict | None:
    """An account's own record, its organization and who leads it — what a member sees
    of themselves (their own data, in clear; others' by name and post only)."""
    person = own_person(user)
    if person is None:
        return None
    people = registry["people"]
    fields = [
        (c.header, c.display(v))
        for c, v in ((c, people.values(person)[c.field]) for c in people.columns)
        if c.field not in ("org",)
    ]
    return {
        "person": person,
        "fields": fields,
        "org": person.org,
        "secretaries": secretaries_of(person.org),  # the member may be one of them
    }


@login_required
def me(request):
    """我的: the signed-in member's own record, their organization and its secretary."""
    mine = _mine(request.user)
    if mine is None:
        raise Http404("您的账号没有关联人员信息")
    from django.utils.safestring import mark_safe

    from taizhang.shell import discovery

    sections = [
        mark_safe(html) for section in discovery.me_sections() if (html := section(request))
    ]
    return render(request, "orgs/me.html", {**mine, "sections": sections})


def my_home_panel(request) -> str:
    """On the home page of an account linked to a person: who and where they are."""
    mine = _mine(request.user)
    if mine is None:
        return ""
    return render_to_string("orgs/_my_panel.html", mine, request=request)


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
