"""Regressions from the attack on the permission doors: each was a confirmed finding."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, write
from taizhang.accounts.services import grant_add, user_create
from taizhang.orgs.models import Organization, Person
from tests.throwaway.models import Note


@pytest.fixture
def writer_and_member(district):
    user = user_create(
        actor=None, username="wm", password=PASSWORD, role="org_admin", org=district.orgs["QSH-A"]
    )
    grant_add(actor=None, user=user, role="member", org=district.orgs["QSH-B"])
    return user


def test_the_org_picker_shows_nothing_of_a_subtree_held_as_member(client, writer_and_member):
    client.force_login(writer_and_member)
    for query in ({"q": "京东"}, {"parent": "QSH-B"}, {}):
        assert "京东" not in client.get(reverse("org-picker"), query).content.decode()
    assert "湖坊" in client.get(reverse("org-picker"), {"q": "湖坊"}).content.decode()


def test_creating_an_existing_key_outside_scope_shows_nothing_of_the_stored_row(client_for, users):
    response = client_for(users.allowed).post(
        "/api/v1/people/", {"code": "P-B1"}, content_type="application/json"
    )
    text = response.content.decode()
    assert response.status_code == 400 and "QSH-B-1" not in text and "QSH-B" not in text


def test_references_to_unreadable_rows_are_unknown_and_the_board_names_no_one_outside(
    client_for, users
):
    client = client_for(users.allowed)
    response = client.post(
        "/api/v1/work_groups/",
        {"code": "WG-X", "name": "探测组", "leader": "P-A1", "members": ["P-B1", "L-1"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {e["message"] for e in response.json()["errors"]} == {"“L-1”不存在", "“P-B1”不存在"}
    # The office's group, led from QSH-A-1 (so in the org admin's scope), has members
    # from elsewhere.
    write(
        "work_groups",
        [{"code": "WG-O", "name": "全区组", "leader": "P-A1", "members": ["P-A1", "P-B1", "L-1"]}],
    )
    board = client.get(reverse("work-groups-board")).content.decode()
    assert "全区组" in board and "张三" in board and "李四" not in board and "赵书记" not in board


def test_an_unchanged_reference_to_an_unreadable_row_does_not_block_an_edit(client_for, users):
    write(
        "work_groups",
        [{"code": "WG-M", "name": "混合组", "leader": "P-A1", "members": ["P-A1", "P-B1"]}],
    )
    response = client_for(users.allowed).patch(
        "/api/v1/work_groups/WG-M", {"name": "混合组（改）"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["members"] == ["P-A1", "P-B1"]


def test_a_row_is_not_restored_under_an_archived_organization(client_for, users):
    client = client_for(users.office)
    client.post("/ledgers/people/P-A2/archive/")
    client.post("/ledgers/orgs/QSH-A-2/archive/")
    assert Organization.objects.get(code="QSH-A-2").archived_at is not None
    client.post("/ledgers/people/P-A2/archive/", {"restore": "1"})
    assert Person.objects.get(code="P-A2").archived_at is not None
    assert "已归档，请先恢复它" in client.get("/ledgers/people/P-A2/").content.decode()


def test_an_organization_holding_rows_of_any_ledger_or_grants_is_not_archived(client_for, users):
    client = client_for(users.office)
    write("orgs", [{"code": "QSH-A-3", "name": "三支部", "parent": "QSH-A", "kind": "党支部"}])
    write("notes", [{"code": "N-A3", "org": "QSH-A-3", "noted_on": "2023-10-01"}])
    client.post("/ledgers/orgs/QSH-A-3/archive/")
    assert Organization.objects.get(code="QSH-A-3").archived_at is None
    assert "还有 1 条示例记录" in client.get("/ledgers/orgs/QSH-A-3/").content.decode()
    Note.objects.filter(code="N-A3").update(org=Organization.objects.get(code="QSH-A"))
    user_create(
        actor=None,
        username="g3",
        password=PASSWORD,
        role="org_admin",
        org=Organization.objects.get(code="QSH-A-3"),
    )
    client.post("/ledgers/orgs/QSH-A-3/archive/")
    assert Organization.objects.get(code="QSH-A-3").archived_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"amount": "1e100"},
        {"amount": "1" * 40},
        {"amount": "NaN"},
    ],
)
def test_odd_decimals_are_field_errors(client_for, users, body):
    response = client_for(users.allowed).post(
        "/api/v1/notes/",
        {"code": "N-D", "org": "QSH-A-1", "noted_on": "2023-10-01", **body},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "amount"


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e400", 10**30])
def test_odd_integers_are_field_errors(client_for, users, value):
    response = client_for(users.office).post(
        "/api/v1/categories/", {"name": "新", "sort_order": value}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "sort_order"


def test_an_absurd_page_number_is_a_400_not_a_500(client_for, users):
    response = client_for(users.allowed).get("/api/v1/people/", {"page": 10**20})
    assert response.status_code == 400


def test_moving_a_readable_person_names_the_organization_they_belong_to_now(district):
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_write

    clerk = user_create(
        actor=None,
        username="clerk",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-A"],
    )
    move = [(None, {"code": "P-B1", "name": "李四", "org": "QSH-A-1"})]

    def refusal(actor):
        outcome = ledger_write(ledger=registry["people"], actor=actor, rows=move)
        assert not outcome.ok and Person.objects.get(code="P-B1").org.code == "QSH-B-1"
        return [p.message for p in outcome.problems]

    # Not readable where the person is: nothing of the stored row is shown.
    assert refusal(clerk) == ["“P-B1”不在您的管理范围内"]
    # Readable there (a second grant, to inspect): the message names where the person is,
    # not the clerk's own branch.
    grant_add(actor=None, user=clerk, role="inspector", org=district.orgs["QSH"])
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert refusal(clerk) == ["“P-B1”现属“QSH-B-1 京东村党支部”，不在您的管理范围内"]


def test_an_organization_reference_outside_the_writers_scope_is_refused(client_for, users):
    """A liaison unit (联系点) in a sibling's subtree is refused; one inside is written."""
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_write

    def write_as(actor, liaison):
        row = {"code": "P-A1", "name": "张三", "org": "QSH-A-1", "liaison_orgs": liaison}
        return ledger_write(ledger=registry["people"], actor=actor, rows=[(None, row)])

    refused = write_as(users.allowed, "QSH-A-2、QSH-B-1")
    assert [p.message for p in refused.problems] == ["“QSH-B-1”不在您的管理范围内"]
    assert not Person.objects.get(code="P-A1").liaison_orgs.exists()
    assert write_as(users.allowed, "QSH-A-2").ok
    assert write_as(users.office, "QSH-A-2、QSH-B-1").ok  # the office reads the district
