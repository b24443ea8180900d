"""What the attack on the write path found, each now a test. The invariant — every row's
scope path and district are those of the organization that scopes it — is checked by
walking parent links, independently of the paths the engine stores."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, write
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.models import ImportPreview
from taizhang.orgs.models import Enterprise, Organization, Person, WorkGroup
from tests.throwaway.models import Note, Remark


def _true_places():
    orgs = {o.pk: o for o in Organization.objects.all()}

    def chain(pk):
        found = []
        while pk is not None:
            found.append(orgs[pk])
            pk = orgs[pk].parent_id
        return found[::-1]

    def place(pk):
        links = chain(pk)
        path = "".join(f"{o.pk:08d}." for o in links)
        district = next((o.code for o in reversed(links) if o.kind == "区委"), links[0].code)
        return path, district

    return place


def violations() -> list:
    place = _true_places()
    found = []

    def check(name, obj, org_pk):
        if org_pk is None:
            return
        path, district = place(org_pk)
        if (obj.scope_path, obj.district) != (path, district):
            found.append((name, str(obj), obj.scope_path, obj.district, path, district))

    for org in Organization.objects.all():
        check("orgs", org, org.pk)
        if org.path != place(org.pk)[0] or org.depth != org.path.count(".") - 1:
            found.append(("orgs.path", org.code, org.path, org.depth))
    for person in Person.objects.all():
        check("people", person, person.org_id)
    for note in Note.objects.select_related("org"):
        check("notes", note, note.org_id)
    for remark in Remark.objects.select_related("note"):
        check("remarks", remark, remark.note.org_id)
    for enterprise in Enterprise.objects.all():
        check("enterprises", enterprise, enterprise.local_org_id)
    for group in WorkGroup.objects.select_related("leader"):
        check("work_groups", group, group.leader.org_id if group.leader_id else None)
    return found


def test_two_moves_in_one_file_leave_every_row_in_place(district, users):
    write(
        "orgs",
        [{"code": "QSH-B", "parent": "QSH-A"}, {"code": "QSH-A-2", "parent": "QSH-B-1"}],
        mode="update",
    )
    assert violations() == []
    b1 = Organization.objects.get(code="QSH-B-1")
    assert Organization.objects.get(code="QSH-A-2").path.startswith(b1.path)
    from taizhang.core.access import rows_for_read
    from taizhang.core.ledger import registry

    assert "P-A2" in set(
        rows_for_read(registry["people"], users.allowed).values_list("code", flat=True)
    )


def test_moves_in_reverse_depth_order_in_one_file(district):
    write("orgs", [{"code": "QSH-C", "name": "丙", "parent": "QSH", "kind": "党委"}])
    write(
        "orgs",
        [
            {"code": "QSH-A-1", "parent": "QSH-B-1"},
            {"code": "QSH-B", "parent": "QSH-C"},
            {"code": "QSH-A", "parent": "QSH-B"},
        ],
        mode="update",
    )
    assert violations() == []


def test_an_edit_by_another_writer_leaves_a_row_without_its_own_place_where_it_is(
    client_for, users
):
    client = client_for(users.allowed)
    client.post(
        "/api/v1/enterprises/",
        {"credit_code": "91360111MA0000001R", "name": "无属地"},
        content_type="application/json",
    )
    client.post(
        "/api/v1/work_groups/",
        {"code": "WG-N", "name": "无组长组"},
        content_type="application/json",
    )
    office = client_for(users.office)
    office.patch(
        "/api/v1/enterprises/91360111MA0000001R", {"name": "改名"}, content_type="application/json"
    )
    office.patch("/api/v1/work_groups/WG-N", {"name": "改名组"}, content_type="application/json")
    a = Organization.objects.get(code="QSH-A").path
    assert Enterprise.objects.get(credit_code="91360111MA0000001R").scope_path == a
    assert WorkGroup.objects.get(code="WG-N").scope_path == a


def test_a_work_group_follows_its_leader(district):
    write("work_groups", [{"code": "G1", "name": "组", "leader": "P-A1"}])
    write("people", [{"code": "P-A1", "org": "QSH-B-1"}], mode="update")
    assert (
        WorkGroup.objects.get(code="G1").scope_path == Organization.objects.get(code="QSH-B-1").path
    )
    assert violations() == []


def test_a_long_polyphonic_name_fits_its_initials_column(district):
    write(
        "people",
        [{"code": "P-LONG", "name": "阿不都热合曼·阿不都沙拉木·买买提明", "org": "QSH-A-1"}],
    )
    assert len(Person.objects.get(code="P-LONG").name_initials) <= 255


def test_a_long_district_code_fits(db):
    code = "Q" * 64
    write("orgs", [{"code": code, "name": "区委", "parent": "", "kind": "区委"}])
    write("orgs", [{"code": "CHILD", "name": "支部", "parent": code, "kind": "党支部"}])
    assert Organization.objects.get(code="CHILD").district == code


def test_a_negative_sort_order_is_a_field_error(client_for, users):
    response = client_for(users.office).post(
        "/api/v1/categories/", {"name": "新", "sort_order": -1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "sort_order", "message": "“-1”不能小于 0"}]


def test_a_reference_archived_since_does_not_block_an_unrelated_edit(district, client_for, users):
    write(
        "work_groups", [{"code": "G2", "name": "组", "leader": "P-A1", "members": ["P-A1", "P-A2"]}]
    )
    client_for(users.office).post("/ledgers/people/P-A2/archive/")
    write("work_groups", [{"code": "G2", "name": "改名"}], mode="update")
    assert WorkGroup.objects.get(code="G2").name == "改名"
    # A new reference to an archived row is still refused, and says why.
    response = client_for(users.office).post(
        "/api/v1/work_groups/",
        {"code": "G3", "name": "新组", "members": ["P-A2"]},
        content_type="application/json",
    )
    assert (
        response.status_code == 400
        and response.json()["errors"][0]["message"] == "“P-A2”已归档，不能再引用"
    )


def test_a_stale_preview_is_refused(client_for, users):
    import io

    from conftest import xlsx_bytes

    client = client_for(users.allowed)
    upload = io.BytesIO(
        xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-S", "甲", "QSH-A-1"]])
    )
    upload.name = "p.xlsx"
    token = client.post(reverse("ledger-import", args=["people"]), {"file": upload}).context[
        "token"
    ]
    ImportPreview.objects.filter(token=token).update(created_at=timezone.now() - timedelta(days=3))
    assert (
        client.post(reverse("ledger-import-commit", args=["people"]), {"token": token}).status_code
        == 404
    )
    assert not Person.objects.filter(code="P-S").exists()


def test_stats_and_drill_down_agree_for_an_organization_held_as_member(client, district):
    user = user_create(
        actor=None,
        username="mix",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-A-1"],
    )
    grant_add(actor=None, user=user, role="member", org=district.orgs["QSH-A"])
    client.force_login(user)
    stats = client.get("/api/v1/stats", {"org": "QSH-A"}).json()["orgs"]
    listed = client.get("/api/v1/people/", {"figure": "orgs.members", "org": "QSH-A"}).json()
    assert stats["members"] == listed["count"] == 1


def test_a_blank_cell_keeps_the_stored_value_of_a_column_with_a_default(district):
    write("people", [{"code": "P-A1", "is_member": "否"}], mode="update")
    write("people", [{"code": "P-A1", "name": "张三", "is_member": ""}], mode="update")
    assert Person.objects.get(code="P-A1").is_member is False


def test_becoming_a_district_recomputes_the_district_keys_below(district):
    write("orgs", [{"code": "QSH-A", "kind": "区委"}], mode="update")
    assert Person.objects.get(code="P-A1").district == "QSH-A"
    write("orgs", [{"code": "QSH-A", "kind": "党委"}], mode="update")
    assert Person.objects.get(code="P-A1").district == "QSH"
    assert violations() == []


def test_a_nested_district_keeps_its_key_when_its_parent_moves(db):
    write(
        "orgs",
        [
            {"code": "JX", "name": "省", "parent": "", "kind": "其他"},
            {"code": "QW", "name": "区委", "parent": "JX", "kind": "区委"},
            {"code": "MID", "name": "中间", "parent": "QW", "kind": "其他"},
            {"code": "SUB", "name": "下级区委", "parent": "MID", "kind": "区委"},
            {"code": "SUB-1", "name": "支部", "parent": "SUB", "kind": "党支部"},
        ],
    )
    write(
        "people",
        [{"code": "X1", "name": "甲", "org": "SUB-1"}, {"code": "X2", "name": "乙", "org": "MID"}],
    )
    write("orgs", [{"code": "MID", "parent": "JX"}], mode="update")
    assert Person.objects.get(code="X1").district == "SUB"
    assert Person.objects.get(code="X2").district == "JX"
    assert violations() == []
