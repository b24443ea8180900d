"""Names beside codes: lists, detail and previews name what a reference points at, read
through the read door; a template offers "编码 名称" and the import reads either back."""

import io

from django.urls import reverse

from conftest import write, xlsx_bytes
from taizhang.core.ledger import registry
from taizhang.core.ledger_files import ledger_import
from taizhang.orgs.models import Person


def test_list_and_detail_name_the_organization_beside_its_code(client_for, users):
    client = client_for(users.allowed)
    listing = client.get(reverse("ledger-list", args=["people"])).content.decode()
    assert "QSH-A-1 湖坊村党支部" in listing
    detail = client.get(reverse("ledger-detail", args=["people", "P-A1"])).content.decode()
    assert "QSH-A-1 湖坊村党支部" in detail


def test_a_reference_the_reader_may_not_see_shows_its_code_only(client_for, users):
    write(
        "people",
        [{"code": "P-A1", "name": "张三", "org": "QSH-A-1", "liaison_orgs": "QSH-A-2、QSH-B-1"}],
    )
    mine = client_for(users.allowed).get(reverse("ledger-detail", args=["people", "P-A1"]))
    text = mine.content.decode()
    assert "QSH-A-2 何坊村党支部、QSH-B-1" in text and "京东村党支部" not in text
    office = client_for(users.office).get(reverse("ledger-detail", args=["people", "P-A1"]))
    assert "QSH-A-2 何坊村党支部、QSH-B-1 京东村党支部" in office.content.decode()


def test_the_import_preview_names_old_and_new_organizations(client_for, users):
    upload = io.BytesIO(
        xlsx_bytes([["人员编号", "姓名", "所在组织编码"], ["P-A1", "张三", "QSH-A-2"]])
    )
    upload.name = "move.xlsx"
    page = client_for(users.allowed).post(
        reverse("ledger-import", args=["people"]), {"file": upload}
    )
    assert "所在组织编码 “QSH-A-1 湖坊村党支部” → “QSH-A-2 何坊村党支部”" in page.content.decode()


def test_a_reference_written_as_code_and_name_imports_as_its_code(district):
    content = xlsx_bytes(
        [
            ["人员编号", "姓名", "所在组织编码", "联系点组织编码"],
            [
                "P-N1",
                "甲",
                "QSH-A-1 湖坊村党支部",
                "QSH-A-2 何坊村党支部、QSH-B-1\u3000京东村党支部",
            ],
            ["P-N2", "乙", " QSH-A-2 ", ""],
        ]
    )
    outcome = ledger_import(
        ledger=registry["people"], actor=None, content=content, filename="p.xlsx"
    )
    assert outcome.ok, [p.line() for p in outcome.problems]
    person = Person.objects.get(code="P-N1")
    assert person.org.code == "QSH-A-1"
    assert sorted(o.code for o in person.liaison_orgs.all()) == ["QSH-A-2", "QSH-B-1"]
    assert Person.objects.get(code="P-N2").org.code == "QSH-A-2"
