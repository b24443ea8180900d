"""不掉队 and "8+3": who was reached, who was not, and planning sessions for them."""

import datetime as dt
import io

import pytest
import time_machine
from python_calamine import CalamineWorkbook

from conftest import write
from taizhang.core.figures import figures_compute, window_for
from taizhang.core.scope import Scope
from taizhang.study import selectors
from taizhang.study.models import StudyForm, StudySession

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START, END = dt.date(2023, 9, 15), dt.date(2023, 12, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(more_people):
    """P-A1 attended a branch session; P-A2, P-A3, P-A4 (and P-B1) did not."""
    write(
        "study_sessions",
        [
            {
                "code": "XX-1",
                "org": "QSH-A-1",
                "held_on": "2023-10-16",
                "form": "支部集中学习",
                "attendees": "P-A1、P-A5",
            },
            {"code": "XX-2", "org": "QSH-B-1", "held_on": "2023-11-25", "form": "支部集中学习"},
        ],
    )


def test_reach_counts_members_and_lists_those_not_reached(users, studied):
    org = users.allowed.grants.get().org
    result = selectors.reach(users.allowed, org, START, END)
    assert (result.members, result.reached, result.not_reached) == (4, 1, 3)
    assert [p["code"] for p in result.people] == ["P-A3", "P-A4", "P-A2"]
    by_kind = {kind: (total, missing) for kind, total, missing in result.by_kind}
    assert by_kind["年老体弱"] == (2, 2) and by_kind["流动党员"] == (1, 1)
    assert by_kind["青年"] == (1, 0)


def test_reach_counts_only_the_period(users, studied):
    org = users.allowed.grants.get().org
    later = selectors.reach(users.allowed, org, dt.date(2023, 11, 1), END)
    assert later.reached == 0 and later.not_reached == 4


def test_figures_agree_with_the_page(users, studied):
    window = window_for(Scope.all(), org="QSH-A", date_from=START, date_to=END)
    figures = figures_compute(window)["study"]
    assert (figures["members_reached"], figures["members_not_reached"]) == (1, 3)
    assert figures["sessions"] == 1
    everyone = figures_compute(window_for(Scope.all()))["study"]
    # 张三, and nobody else of the district: 王小明, 刘流动, 陈老, 李四, 赵书记 not reached
    assert (everyone["members_reached"], everyone["members_not_reached"]) == (1, 5)


def test_sibling_sees_neither_the_page_nor_the_people(users, studied, client_for):
    client = client_for(users.sibling)
    assert client.get("/study/?org=QSH-A").status_code == 404
    page = client.get("/study/").content.decode()
    assert "李四" in page and "王小明" not in page
    assert client.get("/study/reach.xlsx?org=QSH-A").status_code == 404


def test_member_has_no_study_pages(users, studied, client_for):
    client = client_for(users.member)
    assert client.get("/study/").status_code == 403
    assert client.get("/study/categories/").status_code == 403


def test_export_lists_every_member_not_reached(users, studied, client_for):
    response = client_for(users.allowed).get("/study/reach.xlsx?org=QSH-A")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[3][:3] == ["序号", "姓名", "人员编号"]
    assert [r[2] for r in rows[4:]] == ["P-A3", "P-A4", "P-A2"]


def test_inspector_export_masks_mobiles(users, more_people, client_for):
    write("people", [{"code": "P-A4", "mobile": "13912345678"}])
    content = client_for(users.inspector).get("/study/reach.xlsx?org=QSH-A").streaming_content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(content))).get_sheet_by_index(0)
    shown = [r for r in rows.to_python() if "P-A4" in r][0]
    assert "139****5678" in shown and "13912345678" not in shown


def test_home_delivery_planned_from_the_list(users, studied, client_for):
    client = client_for(users.allowed)
    with time_machine.travel(dt.datetime(2023, 10, 20, 9, tzinfo=SHANGHAI)):
        response = client.post("/study/home-delivery/", {"person": "P-A4", "on": "2023-10-21"})
        assert response.status_code == 302
        page = client.get("/study/?org=QSH-A&from=2023-09-15&to=2023-10-20").content.decode()
    session = StudySession.objects.get(form=StudyForm.AT_HOME)
    assert session.org.code == "QSH-A-1" and session.held_on == dt.date(2023, 10, 21)
    assert list(session.attendees.values_list("code", flat=True)) == ["P-A4"]
    assert "已安排 2023-10-21 送学上门" in page
    org = users.allowed.grants.get().org
    assert "P-A4" not in [p["code"] for p in selectors.reach(users.allowed, org, START, END).people]


def test_home_delivery_for_someone_out_of_reach_is_not_found(users, studied, client_for):
    response = client_for(users.sibling).post("/study/home-delivery/", {"person": "P-A4"})
    assert response.status_code == 404
    assert not StudySession.objects.filter(form=StudyForm.AT_HOME).exists()


def test_inspector_cannot_plan(users, studied, client_for):
    response = client_for(users.inspector).post("/study/home-delivery/", {"person": "P-A4"})
    assert response.status_code == 302
    assert not StudySession.objects.filter(form=StudyForm.AT_HOME).exists()


def test_return_training_for_the_mobile_members(users, studied, client_for, settings):
    settings.STUDY_HOLIDAYS = [("国庆", "2023-09-29", "2023-10-06")]
    client = client_for(users.allowed)
    with time_machine.travel(dt.datetime(2023, 9, 20, 9, tzinfo=SHANGHAI)):
        page = client.get("/study/?org=QSH-A").content.decode()
        assert "国庆" in page and "安排返乡培训" in page
        client.post(
            "/study/return-training/",
            {"org": "QSH-A-1", "people": ["P-A3"], "on": "2023-10-02", "holiday": "国庆"},
        )
    session = StudySession.objects.get(form=StudyForm.MOBILE)
    assert session.topic == "国庆流动党员返乡培训"
    assert list(session.attendees.values_list("code", flat=True)) == ["P-A3"]


def test_categories_table_lists_lagging_branches_with_secretaries(users, studied):
    write(
        "people",
        [
            {
                "code": "P-A9",
                "name": "周书记",
                "org": "QSH-A-2",
                "title": "支部书记",
                "mobile": "13700001111",
            }
        ],
    )
    write(
        "study_plans",
        [{"code": "JH-1", "org": "QSH-A-1", "name": "计划", "submitted_on": "2023-09-20"}],
    )
    org = users.office.grants.get().org
    rows = selectors.categories_table(users.office, org, START, END, END)
    by_name = {row.name: row for row in rows}
    assert list(by_name) == [
        "农村",
        selectors.UNCATEGORISED,
    ]  # 赵书记 sits at the district, uncategorised
    rural = by_name["农村"]
    assert rural.name == "农村" and rural.branches == 3 and rural.with_plan == 1
    assert rural.plans == 1 and rural.sessions == 2
    assert [b["code"] for b in rural.no_plan] == ["QSH-A-2", "QSH-B-1"]
    # XX-1 (10-16) is older than 14 days before 12-01; XX-2 (11-25) is recent.
    assert [b["code"] for b in rural.idle] == ["QSH-A-1", "QSH-A-2"]
    a2 = next(b for b in rural.no_plan if b["code"] == "QSH-A-2")
    assert a2["secretary"] == ("周书记", "13700001111")


def test_categories_page_for_inspector_masks_phones(users, studied, client_for):
    write(
        "people",
        [
            {
                "code": "P-A9",
                "name": "周书记",
                "org": "QSH-A-2",
                "title": "支部书记",
                "mobile": "13700001111",
            }
        ],
    )
    page = client_for(users.inspector).get("/study/categories/").content.decode()
    assert "周书记" in page and "137****1111" in page and "13700001111" not in page


@pytest.fixture
def two_grants(users, district):
    from taizhang.accounts.services import grant_add, user_create

    def make(name, second_role, second_org):
        user = user_create(
            actor=None,
            username=name,
            password="Two-grants-2023!",
            role="org_admin",
            org=district.orgs["QSH-A"],
        )
        grant_add(actor=None, user=user, role=second_role, org=district.orgs[second_org])
        return user

    return make("wm", "member", "QSH-B-1"), make("wr", "inspector", "QSH")


def test_a_member_grant_widens_nothing(studied, two_grants, client_for):
    writer_and_member, _ = two_grants
    client = client_for(writer_and_member)
    assert client.get("/study/?org=QSH-B").status_code == 404
    assert client.get("/study/categories/?org=QSH-B").status_code == 404
    assert client.get("/study/reach.xlsx?org=QSH-B-1").status_code == 404
    page = client.get("/study/").content.decode()
    assert "王小明" in page and "李四" not in page
    assert client.post("/study/home-delivery/", {"person": "P-B1"}).status_code == 404
    assert not StudySession.objects.filter(form=StudyForm.AT_HOME).exists()


def test_an_inspector_grant_reads_but_does_not_plan(studied, two_grants, client_for):
    write("people", [{"code": "P-B1", "mobile": "13612345678"}])
    _, writer_and_reader = two_grants
    client = client_for(writer_and_reader)
    page = client.get("/study/?org=QSH-B").content.decode()
    assert "李四" in page and "136****5678" in page and "13612345678" not in page
    with time_machine.travel(dt.datetime(2023, 10, 19, 9, tzinfo=SHANGHAI)):
        client.post("/study/home-delivery/", {"person": "P-B1", "on": "2023-10-20"})
        assert not StudySession.objects.filter(form=StudyForm.AT_HOME).exists()
        client.post("/study/home-delivery/", {"person": "P-A4", "on": "2023-10-20"})
    assert StudySession.objects.filter(form=StudyForm.AT_HOME).count() == 1
