"""A new domain app is one folder plus one INSTALLED_APPS line: the throw-away app of
tests/throwaway (installed only by tests/settings.py) appears everywhere without any
other file naming it."""

import subprocess
import sys
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.core.figures import figure_registry
from taizhang.core.models import AuditEntry
from tests.throwaway.models import Note, Remark

ROOT = Path(__file__).resolve().parent.parent


def test_nothing_outside_the_app_names_it():
    named = subprocess.run(
        ["grep", "-rl", "throwaway", "taizhang", "pyproject.toml", "Makefile", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert named == []


def test_the_engine_imports_no_domain_app():
    named = subprocess.run(
        [
            "grep",
            "-rnE",
            "--exclude-dir=tests",
            r"taizhang\.(orgs|accounts|stats|shell)",
            "taizhang/core",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert named == ""


def test_its_pages_navigation_and_home_panel_appear(client_for, users):
    client = client_for(users.office)
    home = client.get("/").content.decode()
    assert "示例应用的首页面板" in home and reverse("notes-board") in home  # panel, nav entry
    assert "示例记录" in client.get(reverse("ledger-index")).content.decode()
    response = client.post(
        reverse("ledger-create", args=["notes"]),
        {"code": "N-1", "org": "QSH-A-1", "noted_on": "2023-10-08", "body": "第一段\r\n第二段"},
    )
    assert response.status_code == 302
    assert Note.objects.get(code="N-1").body == "第一段\n第二段"
    assert "示例记录 1 条" in client.get(reverse("notes-board")).content.decode()


def test_its_api_and_figures_and_drill_down_appear(client_for, users):
    client = client_for(users.allowed)
    created = client.post(
        "/api/v1/notes/",
        {"code": "N-2", "org": "QSH-A-2", "noted_on": "2023-10-09", "amount": "1,234.5"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["amount"] == "1234.50"
    client.post(
        "/api/v1/notes/",
        {"code": "N-3", "org": "QSH-A-1", "noted_on": "2023-11-09", "status": "已办结"},
        content_type="application/json",
    )
    assert "throwaway.notes" in figure_registry
    stats = client.get("/api/v1/stats").json()["throwaway"]
    # The org admin of QSH-A holds QSH-A, QSH-A-1 and QSH-A-2; notes are in the last two.
    assert stats == {"notes": 2, "notes_open": 1, "orgs_without_notes": 1}
    dated = client.get("/api/v1/stats", {"from": "2023-11-01"}).json()["throwaway"]
    assert dated == {"notes": 1, "notes_open": 0, "orgs_without_notes": 2}
    page = client.get(reverse("ledger-list", args=["notes"]), {"figure": "throwaway.notes_open"})
    text = page.content.decode()
    assert "未办结记录" in text and "N-2" in text and "/ledgers/notes/N-3/" not in text
    api = client.get("/api/v1/orgs/", {"figure": "throwaway.orgs_without_notes"}).json()
    assert {item["code"] for item in api["items"]} == {"QSH-A"}
    api = client.get(
        "/api/v1/orgs/", {"figure": "throwaway.orgs_without_notes", "from": "2023-11-01"}
    ).json()
    assert {item["code"] for item in api["items"]} == {"QSH-A", "QSH-A-2"}


def test_its_command_is_public():
    run = subprocess.run(
        [sys.executable, "-m", "taizhang", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PATH": "/usr/bin:/bin",
            "TAIZHANG_HOME": "/tmp",
        },
    )
    assert "notes" in run.stdout and "示例记录条数" in run.stdout


def test_warnings_are_shown_before_saving_and_saved_when_confirmed(client_for, users):
    client = client_for(users.allowed)
    form = {"code": "N-9", "org": "QSH-A-1", "noted_on": "2023-10-08", "amount": "2000000"}
    first = client.post(reverse("ledger-create", args=["notes"]), form)
    assert first.status_code == 200 and "金额超过 100 万元" in first.content.decode()
    assert not Note.objects.filter(code="N-9").exists()
    second = client.post(
        reverse("ledger-create", args=["notes"]), {**form, "confirm_warnings": "1"}
    )
    assert second.status_code == 302 and Note.objects.filter(code="N-9").exists()


def test_a_dotted_action_is_audited_with_its_label(client_for, users):
    client = client_for(users.allowed)
    client.post(
        "/api/v1/notes/",
        {"code": "N-4", "org": "QSH-A-1", "noted_on": "2023-10-09"},
        content_type="application/json",
    )
    client.patch("/api/v1/notes/N-4", {"status": "已办结"}, content_type="application/json")
    entry = AuditEntry.objects.get(ledger="notes", object_key="N-4", action="throwaway.note.closed")
    assert entry.before["status"] == "办理中" and entry.after["status"] == "已办结"


def test_scope_through_a_referenced_row_is_one_line(client_for, users):
    """Remarks declare scope_via = "note": a sibling can neither see nor add one."""
    office = client_for(users.office)
    office.post(
        "/api/v1/notes/",
        {"code": "N-B", "org": "QSH-B-1", "noted_on": "2023-10-09"},
        content_type="application/json",
    )
    office.post(
        "/api/v1/remarks/",
        {"code": "R-B", "note": "N-B", "text": "批注"},
        content_type="application/json",
    )
    allowed = client_for(users.allowed)
    assert allowed.get("/api/v1/remarks/R-B").status_code == 404
    refused = allowed.post(
        "/api/v1/remarks/",
        {"code": "R-X", "note": "N-B", "text": "越界"},
        content_type="application/json",
    )
    assert (
        refused.status_code == 400
        and refused.json()["errors"][0]["message"] == "“N-B”不存在"  # unreadable: not there
    )
    assert not Remark.objects.filter(code="R-X").exists()


def test_an_attachment_is_checked_stored_and_served_only_in_scope(client_for, users):
    client = client_for(users.allowed)
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    form = {"code": "N-F", "org": "QSH-A-1", "noted_on": "2023-10-08", "evidence__upload": fake}
    refused = client.post(reverse("ledger-create", args=["notes"]), form)
    assert "文件内容与扩展名“.pdf”不符" in refused.content.decode()
    assert not Note.objects.filter(code="N-F").exists()
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    saved = client.post(reverse("ledger-create", args=["notes"]), {**form, "evidence__upload": pdf})
    assert saved.status_code == 302
    key = Note.objects.get(code="N-F").evidence
    detail = client.get(reverse("ledger-detail", args=["notes", "N-F"])).content.decode()
    url = reverse("ledger-file", args=["notes", "N-F", "evidence"])
    assert "证明.pdf" in detail and url in detail
    served = client.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client_for(users.sibling).get(url).status_code == 404
    # Nobody attaches a file by knowing its key.
    stolen = client_for(users.office).post(
        "/api/v1/notes/",
        {"code": "N-S", "org": "QSH-B-1", "noted_on": "2023-10-08", "evidence": key},
        content_type="application/json",
    )
    assert stolen.status_code == 400 and "不是您上传的" in stolen.json()["errors"][0]["message"]
    assert AuditEntry.objects.filter(action="core.attachment.stored", object_key=key).exists()
