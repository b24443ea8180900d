"""Files 0600, folders 0700: TAIZHANG_HOME after `taizhang init` (a new one, and one made
before under a loose umask), what the `taizhang` command creates, and uploaded files."""

import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.core.models import Attachment

from .site import fresh_site


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _everything(home):
    return [home, *home.rglob("*")]


def _loose(paths) -> list[str]:
    return [f"{p} {oct(_mode(p))}" for p in paths if _mode(p) != (0o700 if p.is_dir() else 0o600)]


def test_init_makes_the_home_private_whatever_the_umask(tmp_path):
    with fresh_site(tmp_path) as site:
        site.run("init", umask=0o022)
        home = site.home
        assert _mode(home) == 0o700
        if "TAIZHANG_DATABASE_URL" not in site.env:
            assert (home / "taizhang.sqlite3").exists()
        assert (home / "secret_key").exists() and (home / "static").is_dir()
        assert _loose(_everything(home)) == []
        # A home from before (or copied in with loose modes) is brought in line.
        for path in _everything(home):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (home / "files").mkdir(mode=0o755)
        (home / "files" / "old.pdf").write_bytes(b"%PDF")
        (home / "files" / "old.pdf").chmod(0o644)
        site.run("init", umask=0o022)
        assert _loose(_everything(home)) == []
        # Whatever a command writes is private too (here a template it was asked for).
        site.run("template", "people", str(tmp_path / "模板.xlsx"), umask=0o022)
        assert _mode(tmp_path / "模板.xlsx") == 0o600


def test_an_uploaded_attachment_and_its_folders_are_private(client_for, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    form = {"code": "N-F", "org": "QSH-A-1", "noted_on": "2023-10-08", "evidence__upload": pdf}
    saved = client_for(users.allowed).post(reverse("ledger-create", args=["notes"]), form)
    assert saved.status_code == 302
    stored = (settings.MEDIA_ROOT / Attachment.objects.get().file.name).resolve()
    assert stored.exists() and _mode(stored) == 0o600
    folders = [p for p in _everything(settings.MEDIA_ROOT) if p.is_dir()]
    assert folders and _loose(folders) == []


@pytest.mark.parametrize(
    "setting", ["FILE_UPLOAD_PERMISSIONS", "FILE_UPLOAD_DIRECTORY_PERMISSIONS"]
)
def test_the_upload_modes_are_set(setting):
    from django.conf import settings

    assert getattr(settings, setting) == (0o600 if setting == "FILE_UPLOAD_PERMISSIONS" else 0o700)
