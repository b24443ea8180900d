"""The district (tenant) key is each row's own district — the code of its 区委-level
ancestor — and follows an org move; a province holds several districts under one root,
and each district's office sees only its own. Rows scoped through another row follow it."""

import pytest

from conftest import PASSWORD, write
from taizhang.accounts.services import user_create
from taizhang.core.access import rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.scope import Scope
from taizhang.orgs.models import Organization, Person
from tests.throwaway.models import Note, Remark

PROVINCE = [
    {"code": "JX", "name": "江西省委", "parent": "", "kind": "其他"},
    {"code": "NC-QSH", "name": "青山湖区委", "parent": "JX", "kind": "区委"},
    {"code": "NC-QSH-1", "name": "湖坊镇党委", "parent": "NC-QSH", "kind": "党委"},
    {"code": "NC-DH", "name": "东湖区委", "parent": "JX", "kind": "区委"},
    {"code": "NC-DH-1", "name": "豫章街道党工委", "parent": "NC-DH", "kind": "党工委"},
]


@pytest.fixture
def province(db):
    write("orgs", PROVINCE)
    write(
        "people",
        [
            {"code": "Q1", "name": "甲", "org": "NC-QSH-1"},
            {"code": "D1", "name": "乙", "org": "NC-DH-1"},
        ],
    )
    orgs = {o.code: o for o in Organization.objects.all()}
    return {
        "qsh": user_create(
            actor=None, username="qsh", password=PASSWORD, role="office", org=orgs["NC-QSH"]
        ),
        "dh": user_create(
            actor=None, username="dh", password=PASSWORD, role="office", org=orgs["NC-DH"]
        ),
    }


def test_each_row_carries_its_own_district(province):
    assert Person.objects.get(code="Q1").district == "NC-QSH"
    assert Person.objects.get(code="D1").district == "NC-DH"
    assert Organization.objects.get(code="NC-DH-1").district == "NC-DH"
    assert Organization.objects.get(code="JX").district == "JX"


def test_each_district_office_sees_and_writes_only_its_own(client, province):
    people = registry["people"]
    assert set(rows_for_read(people, province["qsh"]).values_list("code", flat=True)) == {"Q1"}
    client.force_login(province["dh"])
    assert client.get("/api/v1/people/Q1").status_code == 404
    created = client.post(
        "/api/v1/enterprises/",
        {"credit_code": "91360111MA0000001R", "name": "无属地企业"},
        content_type="application/json",
    )
    assert created.status_code == 201  # with no 属地, it goes to the office's district
    enterprise = registry["enterprises"].model.objects.get(credit_code="91360111MA0000001R")
    assert enterprise.scope_path == Organization.objects.get(code="NC-DH").path


def test_the_district_key_and_scope_follow_an_org_move(province):
    write("notes", [{"code": "N1", "org": "NC-QSH-1", "noted_on": "2023-10-01"}])
    write("remarks", [{"code": "R1", "note": "N1", "text": "批注"}])
    write("orgs", [{"code": "NC-QSH-1", "parent": "NC-DH"}], mode="update")
    moved = Organization.objects.get(code="NC-QSH-1")
    assert moved.path.startswith(Organization.objects.get(code="NC-DH").path)
    for row in (
        Person.objects.get(code="Q1"),
        Note.objects.get(code="N1"),
        Remark.objects.get(code="R1"),
    ):
        assert row.district == "NC-DH" and row.scope_path == moved.path, row
    assert moved.district == "NC-DH" and moved.scope_path == moved.path
    dh = rows_for_read(registry["remarks"], province["dh"]).values_list("code", flat=True)
    assert list(dh) == ["R1"]
    assert not rows_for_read(registry["remarks"], province["qsh"]).exists()


def test_rows_scoped_through_a_row_follow_it(province):
    write("notes", [{"code": "N2", "org": "NC-QSH-1", "noted_on": "2023-10-01"}])
    write("remarks", [{"code": "R2", "note": "N2", "text": "批注"}])
    write("notes", [{"code": "N2", "org": "NC-DH-1"}], mode="update")
    remark = Remark.objects.get(code="R2")
    assert remark.scope_path == Organization.objects.get(code="NC-DH-1").path
    assert remark.district == "NC-DH"


def test_every_stored_scope_path_is_what_the_write_service_computes(province):
    """The kept path equals the path of the row's organization, for every ledger."""
    for ledger in registry.values():
        if ledger.scope_path is None or ledger.tree:
            continue
        for obj in rows_for_read(ledger, Scope.all()):
            org = getattr(obj, "org", None) or getattr(getattr(obj, "note", None), "org", None)
            if org is not None:
                assert obj.scope_path == org.path, (ledger.name, obj)
