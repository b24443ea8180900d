"""`taizhang backup` / `taizhang restore`, with the real command on a site of its own
(SQLite, or a fresh PostgreSQL database when TAIZHANG_DATABASE_URL is set): the demo
district's every ledger exports the same after backup → fresh database → restore, the
audit chain verifies, the backup file is 0600; a database with data is not overwritten
without --force; an archive of the other engine is refused."""

import io
import json
import stat
import subprocess
import tarfile

import python_calamine

from taizhang.shell import backup

from .site import TAIZHANG, fresh_site


def _exports(site, folder, ledgers) -> dict:
    folder.mkdir()
    found = {}
    for name in ledgers:
        path = folder / f"{name}.xlsx"
        site.run("export", name, str(path))
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        found[name] = book.get_sheet_by_index(0).to_python()
    return found


def _manifest(path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def test_backup_wipe_restore_gives_back_every_ledger_and_a_sound_audit(tmp_path):
    with fresh_site(tmp_path / "a") as first:
        first.run("init")
        first.run("demo", "--scale", "0.02")
        attachment = first.home / "files" / "attachments" / "e3b0c442.pdf"
        attachment.parent.mkdir(parents=True)
        attachment.write_bytes(b"%PDF-1.4 evidence\n%%EOF\n")
        archive = tmp_path / "备份.tar.gz"
        made = first.run("backup", str(archive), umask=0o022)
        assert "已备份到" in made.stdout
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        manifest = _manifest(archive)
        engine = "postgresql" if "TAIZHANG_DATABASE_URL" in first.env else "sqlite"
        assert manifest["engine"] == engine and manifest["format"] == 1
        assert manifest["files"] == 1 and len(manifest["audit"]["head"]) == 64
        ledgers = sorted(manifest["ledgers"])
        assert {"orgs", "people", "work_groups", "enterprises", "categories"} <= set(ledgers)
        assert all(manifest["ledgers"][name]["rows"] > 0 for name in ledgers)
        before = _exports(first, tmp_path / "before", ledgers)

    with fresh_site(tmp_path / "b") as second:  # a fresh database, as `taizhang init` leaves it
        second.run("init")  # (its defaults, e.g. 所属领域, are not data a restore would lose)
        restored = second.run("restore", str(archive))
        assert "审计链完整" in restored.stdout and "与备份清单一致" in restored.stdout
        assert _exports(second, tmp_path / "after", ledgers) == before
        assert "审计链完整" in second.run("audit", "verify").stdout
        copy = second.home / "files" / "attachments" / "e3b0c442.pdf"
        assert copy.read_bytes() == b"%PDF-1.4 evidence\n%%EOF\n"
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600

        # Now it holds data: not overwritten unless forced.
        refused = second.run("restore", str(archive), check=False)
        assert refused.returncode == 1 and "--force" in refused.stderr
        assert "已有数据" in refused.stderr and "Traceback" not in refused.stderr
        forced = second.run("restore", str(archive), "--force")
        assert "审计链完整" in forced.stdout
        assert _exports(second, tmp_path / "forced", ledgers) == before

        # An archive of the other engine is refused, with the reason.
        other = tmp_path / "other.tar.gz"
        _rewrite_manifest(archive, other, engine="sqlite" if engine != "sqlite" else "postgresql")
        crossed = second.run("restore", str(other), "--force", check=False)
        assert crossed.returncode == 1 and "不能跨数据库类型恢复" in crossed.stderr

        # Not an archive at all, or a missing file: exit 2 with a Chinese message.
        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"not a backup")
        unusable = second.run("restore", str(junk), "--force", check=False)
        assert unusable.returncode == 2 and "不是 taizhang 备份文件" in unusable.stderr
        missing = second.run("restore", str(tmp_path / "none.tar.gz"), check=False)
        assert missing.returncode == 2 and "找不到备份文件" in missing.stderr


def test_a_changed_backup_is_caught_after_restore(tmp_path):
    """A manifest that disagrees with the database it came with: the restore says so."""
    with fresh_site(tmp_path / "a") as first:
        first.run("init")
        first.run("demo", "--scale", "0.02")
        archive = tmp_path / "b.tar.gz"
        first.run("backup", str(archive))
    changed = tmp_path / "changed.tar.gz"
    _rewrite_manifest(archive, changed, people_rows=1)
    with fresh_site(tmp_path / "b") as second:  # never initialised: no tables at all
        result = second.run("restore", str(changed), check=False)
        assert result.returncode == 1 and "恢复后校验未通过" in result.stderr
        assert "台账 people" in result.stderr


def _rewrite_manifest(source, target, engine=None, people_rows=None):
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                if engine:
                    manifest["engine"] = engine
                if people_rows is not None:
                    manifest["ledgers"]["people"]["rows"] = people_rows
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)


def test_the_database_password_is_never_on_a_command_line(monkeypatch):
    password = "s3cret-Passw0rd"
    db = {
        "NAME": "taizhang",
        "HOST": "db.example",
        "PORT": 5432,
        "USER": "tz",
        "PASSWORD": password,
    }
    env = backup.pg_environment(db)
    assert env["PGPASSWORD"] == password and env["PGHOST"] == "db.example"
    assert (env["PGUSER"], env["PGDATABASE"], env["PGPORT"]) == ("tz", "taizhang", "5432")
    seen = []

    class Finished:
        returncode, stderr = 0, ""

    monkeypatch.setattr(backup, "pg_environment", lambda: env)
    monkeypatch.setattr(backup.subprocess, "run", lambda command, **kw: seen.append(kw) or Finished)
    backup._run(["pg_dump", "-Fc", "-f", "x"], "pg_dump")
    assert seen[0]["env"]["PGPASSWORD"] == password  # handed over in the environment


def test_a_backup_taken_while_writes_go_on_is_consistent(tmp_path):
    """Backups taken while the demo writes (another process, many transactions): each
    restores to a database whose rows and audit chain match its own manifest."""
    with fresh_site(tmp_path / "a") as first:
        first.run("init")
        first.run("demo", "--scale", "0.02")
        writer = subprocess.Popen(
            [TAIZHANG, "demo", "--scale", "0.1", "--seed", "7"],
            env=first.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        archives = []
        try:
            while writer.poll() is None and len(archives) < 3:
                archives.append(tmp_path / f"b{len(archives)}.tar.gz")
                first.run("backup", str(archives[-1]))
        finally:
            assert writer.wait(timeout=600) == 0, writer.stderr.read().decode()
        assert archives
    for number, archive in enumerate(archives):
        with fresh_site(tmp_path / f"restored{number}") as site:
            assert "与备份清单一致" in site.run("restore", str(archive)).stdout
