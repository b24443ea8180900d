"""The appeals inbox with 转办, and the leaders' quota board, through the read door."""

import pytest

from conftest import write
from taizhang.visits.models import Appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeals(district):
    write(
        "appeals",
        [
            {"code": "SQ-1", "collected_on": "2023-10-01", "content": "路灯不亮", "org": "QSH-A-1"},
            {"code": "SQ-2", "collected_on": "2099-10-01", "content": "尚未到期", "org": "QSH-A-2"},
            {"code": "SQ-3", "collected_on": "2023-10-01", "content": "京东镇的", "org": "QSH-B-1"},
        ],
    )


def test_inbox_lists_open_appeals_overdue_first(appeals, users, client_for):
    page = client_for(users.allowed).get("/visits/appeals/").content.decode()
    assert "共 2 件待办" in page
    assert page.index("SQ-1") < page.index("SQ-2") and "SQ-3" not in page
    assert "（超期）" in page


def test_transfer_with_a_reason(appeals, users, client_for):
    client = client_for(users.allowed)
    client.post("/visits/appeals/SQ-1/transfer/", {"org": "QSH-A-2", "reason": "属第2党支部"})
    assert Appeal.objects.get(code="SQ-1").org.code == "QSH-A-2"
    refused = client.post(
        "/visits/appeals/SQ-2/transfer/", {"org": "QSH-A-1", "reason": ""}, follow=True
    )
    assert "转办须说明原因" in refused.content.decode()
    assert Appeal.objects.get(code="SQ-2").org.code == "QSH-A-2"


def test_a_sibling_cannot_see_or_transfer(appeals, users, client_for):
    client = client_for(users.sibling)
    assert "SQ-1" not in client.get("/visits/appeals/").content.decode()
    response = client.post("/visits/appeals/SQ-1/transfer/", {"org": "QSH-B-1", "reason": "抢"})
    assert response.status_code == 404
    assert Appeal.objects.get(code="SQ-1").org.code == "QSH-A-1"


def test_quota_board_counts_each_leaders_month(district, users, client_for):
    write(
        "visits",
        [
            {
                "code": f"ZF-{n}",
                "visitors": "L-1",
                "visited_on": f"2023-10-{10 + n}",
                "target_kind": kind,
                "target": "QSH-A-1" if kind != "一线干部" else "P-A1",
            }
            for n, kind in enumerate(["城乡群众", "一线干部", "城乡群众"])
        ],
    )
    page = client_for(users.office).get("/visits/quota/").content.decode()
    assert "赵书记" in page and 'href="/visits/quota/L-1/2023-10/">3</a>' in page
    assert "quota-blue" in page and "quota-red" in page
    month = client_for(users.office).get("/visits/quota/L-1/2023-10/").content.decode()
    assert "ZF-0" in month and "ZF-2" in month
    assert client_for(users.member).get("/visits/quota/").status_code == 403


def test_org_admin_home_panel_lists_overdue(appeals, users, client_for):
    page = client_for(users.allowed).get("/").content.decode()
    assert "待办诉求" in page and "SQ-1" in page


def test_two_grants_widen_nothing(appeals, users, district, client):
    from conftest import PASSWORD
    from taizhang.accounts.services import grant_add, user_create

    both = user_create(
        actor=None, username="wm", password=PASSWORD, role="org_admin", org=district.orgs["QSH-A"]
    )
    grant_add(actor=None, user=both, role="member", org=district.orgs["QSH-B-1"])
    client.force_login(both)
    page = client.get("/visits/appeals/").content.decode()
    assert "SQ-1" in page and "SQ-3" not in page
    response = client.post("/visits/appeals/SQ-3/transfer/", {"org": "QSH-A-1", "reason": "抢"})
    assert response.status_code == 404
    assert Appeal.objects.get(code="SQ-3").org.code == "QSH-B-1"
    assert client.get("/visits/quota/").status_code == 200
    assert "赵书记" not in client.get("/visits/quota/").content.decode()
