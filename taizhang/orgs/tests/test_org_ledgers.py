import re

import pytest

from conftest import write
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_archive, ledger_write
from taizhang.core.models import AuditEntry
from taizhang.orgs.demo import _credit_code
from taizhang.orgs.models import Enterprise, Organization, Person, WorkGroup, path_segment
from taizhang.orgs.services import org_move
from taizhang.orgs.validators import credit_check_character


def problems(ledger, rows, actor=None, **kwargs):
    outcome = ledger_write(
        ledger=registry[ledger], actor=actor, rows=[(None, r) for r in rows], **kwargs
    )
    return [p.line() for p in outcome.problems]


def test_credit_code_check_character_follows_gb_32100():
    # Published example: 91350100M000100Y43 (GB 32100-2015 worked example).
    assert credit_check_character("91350100M000100Y4") == "3"


def test_enterprise_with_a_bad_check_character_is_refused(district):
    import random

    good = _credit_code(random.Random(1), 1)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    lines = problems("enterprises", [{"credit_code": bad, "name": "某公司"}])
    assert lines == [f"统一社会信用代码: “{bad}”校验码错误（第 18 位应为“{good[17]}”）"]
    write(
        "enterprises",
        [{"credit_code": good.lower(), "name": "某公司", "local_org": "QSH-A", "cadres": "P-A1"}],
    )
    enterprise = Enterprise.objects.get(credit_code=good)
    assert enterprise.local_org.code == "QSH-A" and [c.code for c in enterprise.cadres.all()] == [
        "P-A1"
    ]


def test_ten_digit_phone_is_refused(district):
    assert problems(
        "people", [{"code": "P-T", "name": "甲", "org": "QSH-A-1", "mobile": "1380013800"}]
    ) == ["手机号码: “1380013800”不是 11 位手机号码"]


def test_unknown_reference_codes_are_named(district):
    lines = problems(
        "work_groups", [{"code": "G1", "name": "组", "leader": "NOBODY", "members": "P-A1、GHOST"}]
    )
    assert sorted(lines) == ["成员人员编号: “GHOST”不存在", "组长人员编号: “NOBODY”不存在"]


def test_moving_an_org_under_its_own_descendant_is_refused(district):
    assert problems("orgs", [{"code": "QSH-A", "parent": "QSH-A-1"}], mode="update") == [
        "上级组织编码: “QSH-A-1”是本组织或其下级，组织树不能成环"
    ]
    assert Organization.objects.get(code="QSH-A").parent.code == "QSH"


def test_moving_a_subtree_carries_its_descendants_and_their_scope(district, users):
    outcome = org_move(actor=users.office, code="QSH-A", new_parent="QSH-B")
    assert outcome.ok
    moved = {o.code: o for o in Organization.objects.all()}
    assert moved["QSH-A-1"].path.startswith(moved["QSH-B"].path)
    assert moved["QSH-A-1"].depth == 3
    from taizhang.core.access import rows_for_read as ledger_rows

    visible = set(ledger_rows(registry["people"], users.sibling).values_list("code", flat=True))
    assert {"P-A1", "P-A2", "P-B1"} <= visible


def test_a_second_root_is_refused(district):
    assert problems("orgs", [{"code": "X", "name": "另一个区", "kind": "区委"}]) == [
        "上级组织编码: 除根组织外必须填写上级组织编码"
    ]


def test_orgs_of_one_file_may_point_at_each_other_in_any_order(district):
    write(
        "orgs",
        [
            {"code": "QSH-C-1", "name": "新支部", "parent": "QSH-C", "kind": "党支部"},
            {"code": "QSH-C", "name": "新党委", "parent": "QSH", "kind": "党委"},
        ],
    )
    child = Organization.objects.get(code="QSH-C-1")
    root = Organization.objects.get(code="QSH")
    assert child.path == "".join(path_segment(o.pk) for o in (root, child.parent, child))


def test_archived_rows_leave_lists_but_keep_their_history(district, users):
    person = Person.objects.get(code="P-A1")
    ledger_archive(ledger=registry["people"], actor=users.office, obj=person)
    from taizhang.core.access import rows_for_read as ledger_rows

    assert not ledger_rows(registry["people"], users.office).filter(code="P-A1").exists()
    actions = list(
        AuditEntry.objects.filter(ledger="people", object_key="P-A1").values_list(
            "action", flat=True
        )
    )
    assert actions == ["archive", "create"]
    assert Person.objects.filter(code="P-A1").exists()  # never deleted


def test_audit_records_cannot_be_altered_or_deleted(district):
    entry = AuditEntry.objects.first()
    entry.actor_name = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_updates_record_before_and_after(district, users):
    write("people", [{"code": "P-A1", "title": "支部书记"}], actor=users.allowed, mode="update")
    entry = AuditEntry.objects.filter(ledger="people", object_key="P-A1", action="update").get()
    assert entry.changes() == [("title", "", "支部书记")]
    assert entry.actor == users.allowed


def test_pinyin_initials_find_a_name(district, users):
    from taizhang.core.ledger_read import ledger_search

    found = ledger_search(registry["people"], users.office, q="zs")
    assert sorted(found.values_list("name", flat=True)) == ["张三", "赵书记"]  # zs, zsj
    assert list(
        ledger_search(registry["people"], users.office, q="ZSJ").values_list("name", flat=True)
    ) == ["赵书记"]
    assert list(
        ledger_search(registry["people"], users.office, q="wxm").values_list("code", flat=True)
    ) == ["P-A2"]


def test_work_group_members_and_leader(district):
    write(
        "work_groups",
        [{"code": "G1", "name": "综合协调组", "leader": "L-1", "members": "P-A1,P-B1"}],
    )
    group = WorkGroup.objects.get(code="G1")
    assert group.leader.code == "L-1" and sorted(m.code for m in group.members.all()) == [
        "P-A1",
        "P-B1",
    ]
    assert group.org.code == "QSH"  # the leader's organization


def test_multi_valued_references_update_in_place(district):
    write("people", [{"code": "L-1", "liaison_orgs": "QSH-A-2"}], mode="update")
    assert [o.code for o in Person.objects.get(code="L-1").liaison_orgs.all()] == ["QSH-A-2"]


def test_an_org_with_people_or_children_cannot_be_archived(client_for, users):
    client = client_for(users.office)
    client.post("/ledgers/orgs/QSH-A-1/archive/")
    assert Organization.objects.get(code="QSH-A-1").archived_at is None
    page = client.get("/ledgers/orgs/QSH-A-1/").content.decode()
    assert "还有 1 条人员" in page
    write("orgs", [{"code": "QSH-A-3", "name": "空支部", "parent": "QSH-A", "kind": "党支部"}])
    client.post("/ledgers/orgs/QSH-A-3/archive/")
    assert Organization.objects.get(code="QSH-A-3").archived_at is not None


def test_archived_rows_are_listed_apart_and_can_be_restored(client_for, users):
    client = client_for(users.allowed)
    client.post("/ledgers/people/P-A2/archive/")
    assert "王小明" not in client.get("/ledgers/people/").content.decode()
    assert "王小明" in client.get("/ledgers/people/?archived=1").content.decode()
    client.post("/ledgers/people/P-A2/archive/", {"restore": "1"})
    assert Person.objects.get(code="P-A2").archived_at is None
    actions = list(
        AuditEntry.objects.filter(object_key="P-A2").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["create", "archive", "restore"]


def test_org_admin_may_rename_their_org_and_move_within_but_not_out_of_it(users):
    assert (
        problems(
            "orgs",
            [{"code": "QSH-A", "name": "湖坊镇党委（新）"}],
            actor=users.allowed,
            mode="update",
        )
        == []
    )
    assert Organization.objects.get(code="QSH-A").name == "湖坊镇党委（新）"
    assert (
        problems(
            "orgs", [{"code": "QSH-A-1", "parent": "QSH-A-2"}], actor=users.allowed, mode="update"
        )
        == []
    )
    assert problems(
        "orgs", [{"code": "QSH-A", "parent": "QSH-B"}], actor=users.allowed, mode="update"
    ) == ["上级组织编码: “QSH-B”不在您的管理范围内"]
    assert problems(
        "orgs", [{"code": "QSH-B-1", "name": "改名"}], actor=users.allowed, mode="update"
    ) == ["组织编码: “QSH-B-1”不在您的管理范围内"]  # nothing of the stored row is shown
    new_child = {"code": "QSH-A-9", "name": "新支部", "parent": "QSH-A", "kind": "党支部"}
    assert problems("orgs", [new_child], actor=users.allowed) == []


def test_every_reading_of_a_polyphonic_surname_finds_the_person(district, users):
    from taizhang.core.ledger_read import ledger_search

    write("people", [{"code": "P-Z", "name": "曾国藩", "org": "QSH-A-1"}])
    for typed in ("zgf", "cgf", "ZG"):
        found = ledger_search(registry["people"], users.office, q=typed)
        assert list(found.values_list("code", flat=True)) == ["P-Z"], typed
    assert not ledger_search(
        registry["people"], users.office, q="gf"
    ).exists()  # initials match from the start


def test_cycles_are_judged_on_the_tree_as_the_file_leaves_it(district):
    swap = [{"code": "QSH-A-1", "parent": "QSH-B"}, {"code": "QSH-A", "parent": "QSH-A-1"}]
    assert problems("orgs", swap, mode="update") == []  # QSH-A-1 leaves QSH-A first: no cycle
    assert Organization.objects.get(code="QSH-A").path.startswith(
        Organization.objects.get(code="QSH-A-1").path
    )
    loop = [{"code": "QSH-B", "parent": "QSH-A-2"}, {"code": "QSH-A-2", "parent": "QSH-B-1"}]
    assert problems("orgs", loop, mode="update") == [
        "上级组织编码: “QSH-A-2”是本组织或其下级，组织树不能成环",
        "上级组织编码: “QSH-B-1”是本组织或其下级，组织树不能成环",
    ]


def test_the_orgs_list_is_an_indented_tree_with_sub_organizations_and_people(client_for, users):
    from django.urls import reverse

    page = client_for(users.office).get(reverse("ledger-list", args=["orgs"])).content.decode()
    assert "<th>下级组织</th><th>本级人员</th>" in page.replace("\n", "").replace("    ", "")
    # 湖坊镇党委: two branches, nobody at the committee itself; 湖坊村党支部: one person.
    assert re.search(
        r'class="indent-1"><a href="/ledgers/orgs/QSH-A/">QSH-A</a>.*?<td data-label="下级组织">2</td><td data-label="本级人员">0</td>',
        page,
    )
    assert re.search(
        r'class="indent-2"><a href="/ledgers/orgs/QSH-A-1/">QSH-A-1</a>.*?<td data-label="下级组织">0</td><td data-label="本级人员">1</td>',
        page,
    )
