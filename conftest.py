"""Shared fixtures: a small district with two sibling committees and the users of
STYLE.md §9 — one allowed, one in a sibling organization (denied), one member."""

import io
from types import SimpleNamespace

import pytest
import xlsxwriter

from taizhang.accounts.services import user_create
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.services import categories_ensure_defaults

PASSWORD = "Passw0rd2023"

ORGS = [
    {"code": "QSH", "name": "青山湖区委", "parent": "", "kind": "区委"},
    {"code": "QSH-A", "name": "湖坊镇党委", "parent": "QSH", "kind": "党委", "category": "农村"},
    {
        "code": "QSH-A-1",
        "name": "湖坊村党支部",
        "parent": "QSH-A",
        "kind": "党支部",
        "category": "农村",
    },
    {
        "code": "QSH-A-2",
        "name": "何坊村党支部",
        "parent": "QSH-A",
        "kind": "党支部",
        "category": "农村",
    },
    {"code": "QSH-B", "name": "京东镇党委", "parent": "QSH", "kind": "党委", "category": "农村"},
    {
        "code": "QSH-B-1",
        "name": "京东村党支部",
        "parent": "QSH-B",
        "kind": "党支部",
        "category": "农村",
    },
]
PEOPLE = [
    {"code": "P-A1", "name": "张三", "org": "QSH-A-1", "mobile": "13800138000", "kinds": "青年"},
    {"code": "P-A2", "name": "王小明", "org": "QSH-A-2", "kinds": "离退休、年老体弱"},
    {"code": "P-B1", "name": "李四", "org": "QSH-B-1"},
    {
        "code": "L-1",
        "name": "赵书记",
        "org": "QSH",
        "is_leader": "是",
        "liaison_orgs": "QSH-A-1、QSH-B-1",
    },
]


def write(ledger: str, rows: list[dict], actor=None, **kwargs):
    outcome = ledger_write(
        ledger=registry[ledger], actor=actor, rows=[(None, r) for r in rows], **kwargs
    )
    assert outcome.ok, [p.line() for p in outcome.problems]
    return outcome


def xlsx_bytes(rows: list[list], sheet: str = "Sheet1") -> bytes:
    """A real workbook written by a spreadsheet library, as a clerk would send it."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                worksheet.write_string(r, c, value)
            else:
                worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    categories_ensure_defaults()
    write("orgs", ORGS)
    write("people", PEOPLE)
    from taizhang.orgs.models import Organization

    return SimpleNamespace(orgs={o.code: o for o in Organization.objects.all()})


@pytest.fixture
def users(district):
    def make(name, role, org):
        return user_create(
            actor=None, username=name, password=PASSWORD, role=role, org=district.orgs[org]
        )

    return SimpleNamespace(
        admin=make("admin", "admin", "QSH"),
        office=make("office", "office", "QSH"),
        allowed=make("allowed", "org_admin", "QSH-A"),
        sibling=make("sibling", "org_admin", "QSH-B"),
        inspector=make("inspector", "inspector", "QSH"),
        member=make("member", "member", "QSH-A-1"),
    )


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
