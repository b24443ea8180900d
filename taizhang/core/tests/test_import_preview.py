"""An import preview lives in the database: a preview made on one web host commits on
another, and only its maker may commit it, only into the ledger it was made for."""

import io

from django.urls import reverse

from conftest import xlsx_bytes
from taizhang.core.models import ImportPreview
from taizhang.orgs.models import Person


def _upload(client, ledger: str, rows):
    upload = io.BytesIO(xlsx_bytes(rows))
    upload.name = "file.xlsx"
    return client.post(reverse("ledger-import", args=[ledger]), {"file": upload})


def test_a_preview_is_kept_in_the_database_and_commits_from_any_host(
    client_for, users, settings, tmp_path
):
    client = client_for(users.allowed)
    preview = _upload(
        client, "people", [["人员编号", "姓名", "所在组织编码"], ["P-I1", "甲", "QSH-A-1"]]
    )
    token = preview.context["token"]
    assert ImportPreview.objects.filter(token=token, ledger="people").exists()
    settings.MEDIA_ROOT = tmp_path  # another host: nothing of this one's disk is needed
    commit = client.post(reverse("ledger-import-commit", args=["people"]), {"token": token})
    assert commit.status_code == 302 and Person.objects.filter(code="P-I1").exists()
    assert not ImportPreview.objects.filter(token=token).exists()


def test_a_preview_commits_only_into_its_own_ledger(client_for, users):
    maker = client_for(users.allowed)
    token = _upload(
        maker, "people", [["人员编号", "姓名", "所在组织编码"], ["P-I2", "乙", "QSH-A-1"]]
    ).context["token"]
    assert (
        maker.post(reverse("ledger-import-commit", args=["notes"]), {"token": token}).status_code
        == 404
    )
    # Another user's token is refused as well: accounts/tests/test_scope.py.
    assert not Person.objects.filter(code="P-I2").exists()


def test_reimporting_an_archived_row_shows_and_records_a_restore(client_for, users):
    from taizhang.core.audit import audit_history
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_archive

    person = Person.objects.get(code="P-A1")
    ledger_archive(ledger=registry["people"], actor=None, obj=person)
    client = client_for(users.allowed)
    rows = [["人员编号", "姓名", "所在组织编码"], ["P-A1", "张三", "QSH-A-1"]]
    preview = _upload(client, "people", rows)
    page = preview.content.decode()
    assert "更新 <strong>0</strong> 条，恢复已归档的 <strong>1</strong> 条" in page
    assert "恢复已归档的行" in page and "P-A1 张三" in page
    token = preview.context["token"]
    commit = client.post(reverse("ledger-import-commit", args=["people"]), {"token": token})
    assert commit.status_code == 302
    person.refresh_from_db()
    assert person.archived_at is None
    assert [e.action for e in audit_history(ledger="people", key="P-A1")][0] == "restore"
