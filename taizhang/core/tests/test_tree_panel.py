"""The org tree beside a scoped list: counts per node from the rows the user reads, the
way back up, children loaded lazily and only inside the user's scope."""

from django.urls import reverse

from conftest import write
from taizhang.orgs.models import Person


def _live(prefix):
    return Person.objects.filter(org__code__startswith=prefix, archived_at=None).count()


def test_the_panel_counts_each_subtree_and_marks_the_current_node(client_for, users):
    write("people", [{"code": f"P-T{i}", "name": f"树{i}", "org": "QSH-A-2"} for i in range(4)])
    page = client_for(users.office).get(reverse("ledger-list", args=["people"]), {"org": "QSH-A"})
    panel = page.context["tree"]
    assert [o.code for o in panel["trail"]] == ["QSH"]  # the way back up
    assert (panel["node"].code, panel["node"].count) == ("QSH-A", _live("QSH-A"))
    counts = {n.code: n.count for n in panel["children"]}
    assert counts == {"QSH-A-1": _live("QSH-A-1"), "QSH-A-2": _live("QSH-A-2")}
    html = page.content.decode()
    assert 'aria-current="true">湖坊镇党委</a>' in html


def test_a_user_starts_at_the_top_of_their_own_scope(client_for, users):
    panel = client_for(users.allowed).get(reverse("ledger-list", args=["people"])).context["tree"]
    assert panel["trail"] == [] and panel["node"].code == "QSH-A"
    assert {n.code for n in panel["children"]} == {"QSH-A-1", "QSH-A-2"}
    # A filter outside the scope does not move the tree there.
    panel = (
        client_for(users.allowed)
        .get(reverse("ledger-list", args=["people"]), {"org": "QSH-B"})
        .context["tree"]
    )
    assert panel["node"].code == "QSH-A"


def test_children_are_loaded_only_inside_the_scope(client_for, users):
    client = client_for(users.allowed)
    url = reverse("ledger-tree", args=["people"])
    mine = client.get(url, {"parent": "QSH-A"}).content.decode()
    assert "湖坊村党支部" in mine and "何坊村党支部" in mine
    theirs = client.get(url, {"parent": "QSH-B"}).content.decode()
    assert "京东" not in theirs
    assert client.get(reverse("ledger-tree", args=["categories"])).status_code == 404


def test_the_orgs_ledger_counts_sub_organizations(client_for, users):
    panel = client_for(users.office).get(reverse("ledger-list", args=["orgs"])).context["tree"]
    assert panel["node"].code == "QSH"
    counts = {n.code: n.count for n in panel["children"]}
    assert counts == {"QSH-A": 3, "QSH-B": 2}  # each 党委 and its branches
