"""The derived ledger pages: filters, sort, drill-down from every figure, error workbook."""

import io
import re

import python_calamine
from django.urls import reverse

from conftest import xlsx_bytes
from taizhang.core.figures import window_for
from taizhang.core.scope import scope_for
from taizhang.stats.selectors import figure_cards


def _codes(page: str) -> list[str]:
    table = page[page.index('id="ledger-table"') :] if 'id="ledger-table"' in page else page
    return re.findall(r'<td data-label="[^"]*"><a href="/ledgers/people/([^/"]+)/"', table)


def test_filters_by_enumeration_and_subtree_and_sorts(client_for, users):
    client = client_for(users.office)
    url = reverse("ledger-list", args=["people"])
    assert _codes(client.get(url, {"f_is_leader": "是"}).content.decode()) == ["L-1"]
    assert _codes(client.get(url, {"f_kinds": "离退休"}).content.decode()) == ["P-A2"]
    assert sorted(_codes(client.get(url, {"org": "QSH-A"}).content.decode())) == ["P-A1", "P-A2"]
    assert _codes(client.get(url, {"sort": "-code"}).content.decode()) == [
        "P-B1",
        "P-A2",
        "P-A1",
        "L-1",
    ]
    partial = client.get(url, {"q": "李"}, headers={"HX-Request": "true"}).content.decode()
    assert '<nav class="navbar' not in partial and _codes(partial) == ["P-B1"]


def test_every_figure_links_to_exactly_the_rows_it_counts(client_for, users):
    client = client_for(users.allowed)
    for group in figure_cards(window_for(scope_for(users.allowed))):
        for item in group["items"]:
            page = client.get(item["link"]).content.decode()
            assert f"共 {item['value']} {item['unit']}" in page, item


def test_error_workbook_is_offered_for_a_rejected_file(client_for, users):
    client = client_for(users.allowed)
    upload = io.BytesIO(xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-Z", "甲", "NOPE"]]))
    upload.name = "people.xlsx"
    token = client.post(reverse("ledger-import", args=["people"]), {"file": upload}).context[
        "token"
    ]
    response = client.post(
        reverse("ledger-import-commit", args=["people"]), {"token": token, "errors": "1"}
    )
    rows = python_calamine.CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(response.streaming_content))
    )
    assert rows.get_sheet_by_index(0).to_python()[1] == [
        "P-Z",
        "甲",
        "NOPE",
        "所在组织编码：“NOPE”不存在",
    ]
    assert rows.get_sheet_by_name("错误说明").to_python()[1] == [
        2.0,
        "所在组织编码",
        "NOPE",
        "“NOPE”不存在",
    ]


def test_pages_of_the_shell_render_for_every_role(client_for, users):
    for user in (users.admin, users.office, users.allowed, users.inspector, users.member):
        client = client_for(user)
        for name in ("home", "work-groups-board", "ledger-index", "stats", "system"):
            assert client.get(reverse(name)).status_code == 200, (user, name)


def test_unknown_ledger_is_a_chinese_404(client_for, users):
    response = client_for(users.office).get("/ledgers/nonsense/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_health_check_answers_without_login(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_import_without_a_file_says_so(client_for, users):
    response = client_for(users.allowed).post(reverse("ledger-import", args=["people"]), {})
    assert response.status_code == 400 and "请选择要导入的文件" in response.content.decode()


def test_an_org_page_leads_to_its_people(client_for, users):
    client = client_for(users.allowed)
    page = client.get("/ledgers/orgs/QSH-A/").content.decode()
    assert "/ledgers/people/?org=QSH-A" in page
    assert sorted(_codes(client.get("/ledgers/people/?org=QSH-A").content.decode())) == [
        "P-A1",
        "P-A2",
    ]


def test_the_ledger_index_groups_titles_by_area_with_counts_in_scope(client_for, users):
    from taizhang.orgs.models import Person

    page = client_for(users.allowed).get(reverse("ledger-index"))
    areas = page.context["areas"]
    assert list(areas)[0] == "组织与人员"
    counts = {ledger.name: count for ledger, count in areas["组织与人员"]}
    in_scope = Person.objects.filter(org__code__startswith="QSH-A", archived_at=None).count()
    assert counts["people"] == in_scope < Person.objects.count()
    html = page.content.decode()
    assert "人员台账" in html and f"{in_scope} 条" in html


def test_counts_are_written_with_thousands_separators():
    from taizhang.core.templatetags.taizhang import thousands

    assert (thousands(30000), thousands(999), thousands("")) == ("30,000", "999", "")


def test_a_phone_gets_the_keyboard_each_field_needs(client_for, users):
    form = client_for(users.allowed).get(reverse("ledger-create", args=["people"])).content.decode()
    assert re.search(r'id="id_mobile"[^>]*type="tel" inputmode="tel"', form)
    categories = client_for(users.office).get(reverse("ledger-create", args=["categories"]))
    assert re.search(
        r'id="id_sort_order"[^>]*type="number" inputmode="numeric"', categories.content.decode()
    )


def test_list_cells_carry_their_header_for_the_phone_card_layout(client_for, users):
    page = client_for(users.allowed).get(reverse("ledger-list", args=["people"])).content.decode()
    assert '<td data-label="姓名">张三</td>' in page
