"""One backup file for the whole site: the database and the uploaded files, with a
manifest (`taizhang backup FILE` / `taizhang restore FILE`).

The archive is a gzip'd tar holding

- `manifest.json`: format, taizhang version, date, database engine, rows per ledger
  (in use and archived), the number of audit entries and the hash at the chain's head;
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the server
  runs) or `database.pgdump` (`pg_dump -Fc`, of the same snapshot the manifest counts);
- `files/…`: the attachments under MEDIA_ROOT.

A restore refuses a database that holds data unless forced, refuses an archive of the
other engine, and checks the audit chain and the manifest's figures afterwards."""

import contextlib
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from taizhang.core.access import rows_for_read
from taizhang.core.audit import GENESIS, action_register, audit_record, audit_verify
from taizhang.core.ledger import registry
from taizhang.core.models import AuditEntry
from taizhang.core.scope import Scope

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FILES = "files"

action_register("shell.backup.created", "备份")
action_register("shell.backup.restored", "从备份恢复")


class BackupProblem(Exception):
    """A refusal in Chinese; `code` is the command's exit code (1 refused, 2 unusable)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Restored:
    manifest: dict
    audit_entries: int
    audit_problems: list[str]
    mismatches: list[str]


def _version() -> str:
    try:
        return version("taizhang")
    except PackageNotFoundError:
        return "unknown"


def _figures() -> dict:
    """What the manifest records of the database as it is now (in the caller's snapshot)."""
    ledgers = {
        name: {
            "rows": rows_for_read(ledger, Scope.all()).count(),
            "archived": rows_for_read(ledger, Scope.all(), archived=True).count(),
        }
        for name, ledger in sorted(registry.items())
    }
    head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return {
        "ledgers": ledgers,
        "audit": {"entries": AuditEntry.objects.count(), "head": head or GENESIS},
    }


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore, found as scripts/with-postgres.sh finds PostgreSQL's tools."""
    if found := shutil.which(name):
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else x for x in Path(p).parts[-3].split(".")],
    )
    if not candidates:
        raise BackupProblem(f"找不到 PostgreSQL 的 {name}（请安装 postgresql-client）", 2)
    return candidates[-1]


def pg_environment(db: dict | None = None) -> dict:
    """The database's connection as libpq's variables: the password never appears on a
    command line (where `ps` would show it)."""
    db = db or settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")]:
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupProblem(f"{what}失败：{result.stderr.strip()[-2000:]}", 2)


def _private_file(path: Path):
    """A new file only its owner reads, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


@contextlib.contextmanager
def _sqlite_read_snapshot():
    """A read transaction on Django's own SQLite connection (Django's atomic blocks
    begin IMMEDIATE, a write lock, under which the backup API cannot copy)."""
    if connection.in_atomic_block:
        raise BackupProblem("备份不能在事务中进行", 2)
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN DEFERRED")
    try:
        yield raw
    finally:
        raw.execute("COMMIT")


def backup_create(target: Path) -> dict:
    """Write the archive to `target` (mode 0600); its manifest."""
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupProblem(f"不支持备份 {vendor} 数据库", 2)
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="taizhang-backup-") as work:
        dump = Path(work) / DUMPS[vendor]
        # The manifest's figures and the copy are of one snapshot: on SQLite one read
        # transaction counts and copies (the online backup API reads it; writers go on),
        # on PostgreSQL pg_dump reads the counting transaction's exported snapshot.
        if vendor == "sqlite":
            with _sqlite_read_snapshot() as raw:
                figures = _figures()
                copy = sqlite3.connect(dump)
                with contextlib.closing(copy):
                    raw.backup(copy)
        else:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
                figures = _figures()
                _run(
                    [pg_tool("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(dump)],
                    "pg_dump 导出数据库",
                )
        dump.chmod(0o600)
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = {
            "format": FORMAT,
            "version": _version(),
            "created_at": timezone.now().isoformat(),
            "engine": vendor,
            **figures,
            "files": len(files),
        }
        partial = target.with_name(f".{target.name}.partial")
        try:
            with _private_file(partial) as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=DUMPS[vendor])
                for path in files:
                    tar.add(path, arcname=f"{FILES}/{path.relative_to(media).as_posix()}")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    _audited(
        action="shell.backup.created",
        ledger="",
        key=target.name,
        after={"audit_head": manifest["audit"]["head"], "files": len(files)},
    )
    return manifest


def _audited(**entry) -> None:
    """One audit entry in a transaction of its own: the chain's head is read and
    extended under the write lock (SQLite) or the chain's advisory lock (PostgreSQL),
    never between another writer's read and commit."""
    with transaction.atomic():
        audit_record(actor=None, **entry)


def database_holds_data() -> bool:
    """Whether the database holds anything `taizhang init` does not put there: a user
    account, or a row of a ledger kept per organization (the reference lists that init
    fills, such as 所属领域, do not count). A database without tables holds nothing."""
    if get_user_model()._meta.db_table not in connection.introspection.table_names():
        return False
    if get_user_model().objects.exists():
        return True
    for ledger in registry.values():
        if ledger.scope_path is None:
            continue
        if rows_for_read(ledger, Scope.all()).exists():
            return True
        if rows_for_read(ledger, Scope.all(), archived=True).exists():
            return True
    return False


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read())
    except (KeyError, AttributeError, ValueError):
        raise BackupProblem("备份文件缺少有效的清单（manifest.json），无法恢复", 2) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupProblem("备份文件的格式版本不受支持，无法恢复", 2)
    return manifest


def backup_restore(source: Path, *, force: bool = False) -> Restored:
    source = Path(source)
    try:
        tar = tarfile.open(source, mode="r:gz")
    except FileNotFoundError:
        raise BackupProblem(f"找不到备份文件“{source}”", 2) from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupProblem(f"“{source}”不是 taizhang 备份文件", 2) from None
    with tar:
        manifest = _read_manifest(tar)
        engine, vendor = manifest.get("engine"), connection.vendor
        if engine != vendor:
            raise BackupProblem(
                f"备份来自 {ENGINES.get(engine, engine)} 数据库，当前使用 "
                f"{ENGINES.get(vendor, vendor)}：不能跨数据库类型恢复。请在同类数据库上恢复，"
                "或用 taizhang export / import 迁移台账。"
            )
        if database_holds_data() and not force:
            raise BackupProblem(
                "当前数据库中已有数据，恢复会覆盖全部数据。确认要覆盖时，请加 --force 重新运行。"
            )
        with tempfile.TemporaryDirectory(prefix="taizhang-restore-") as work:
            work = Path(work)
            members = tar.getmembers()
            for member in members:
                name = PurePosixPath(member.name)
                if member.name != MANIFEST and member.name not in DUMPS.values():
                    if name.parts[0] != FILES or ".." in name.parts or name.is_absolute():
                        raise BackupProblem(f"备份文件中有不应出现的条目“{member.name}”", 2)
            try:
                tar.extractall(work, filter="data")
            except (tarfile.TarError, OSError, EOFError) as error:
                raise BackupProblem(f"备份文件已损坏：{error}", 2) from None
            dump = work / DUMPS[vendor]
            if not dump.is_file():
                raise BackupProblem("备份文件中没有数据库", 2)
            _restore_database(dump)
            _restore_files(work / FILES)
    count, problems = audit_verify()
    figures = _figures()
    mismatches = [
        f"台账 {name}：备份时 {want}，恢复后 {figures['ledgers'].get(name)}"
        for name, want in manifest.get("ledgers", {}).items()
        if figures["ledgers"].get(name) != want
    ]
    if figures["audit"] != manifest.get("audit"):
        mismatches.append(f"审计记录：备份时 {manifest.get('audit')}，恢复后 {figures['audit']}")
    if not problems and not mismatches:
        _audited(
            action="shell.backup.restored",
            ledger="",
            key=source.name,
            after={
                "created_at": manifest.get("created_at"),
                "audit_head": manifest["audit"]["head"],
            },
        )
    return Restored(manifest, count, problems, mismatches)


def _restore_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        # Page by page into the live database (its -wal included), through SQLite's own
        # backup API; other processes see the old or the new database, never a mix.
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupProblem("恢复不能在事务中进行", 2)
        source = sqlite3.connect(dump)
        with contextlib.closing(source):
            try:
                source.execute("PRAGMA quick_check").fetchone()
                source.backup(connection.connection)
            except sqlite3.DatabaseError as error:
                raise BackupProblem(f"备份中的数据库已损坏：{error}", 2) from None
    else:
        # Old objects are dropped (--clean) and the dump loaded in one transaction: a
        # failure leaves the database as it was.
        for alias in connections:
            connections[alias].close()
        _run(
            [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                str(settings.DATABASES["default"]["NAME"]),
                str(dump),
            ],
            "pg_restore 恢复数据库",
        )
    for alias in connections:
        connections[alias].close()
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupProblem(f"恢复后无法连接数据库：{error}", 2) from None


def _restore_files(extracted: Path) -> None:
    """MEDIA_ROOT becomes the archive's files: folders 0700, files 0600."""
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.mkdir(mode=0o700, parents=True)
    media.chmod(0o700)
    if not extracted.is_dir():
        return
    for path in sorted(extracted.rglob("*")):
        target = media / path.relative_to(extracted)
        if path.is_dir():
            target.mkdir(mode=0o700, exist_ok=True)
            target.chmod(0o700)
        elif path.is_file():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            target.chmod(0o600)
