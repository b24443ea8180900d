"""A site of its own for tests that run the real `taizhang` command (and server): its
own TAIZHANG_HOME and temp dir, and on PostgreSQL (TAIZHANG_DATABASE_URL set, as in
`make test`) a fresh database on the same server, dropped afterwards."""

import contextlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TAIZHANG = str(Path(sys.executable).parent / "taizhang")


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    )


@contextlib.contextmanager
def fresh_database():
    """None on SQLite (the site's database is in its home); else a new database's URL."""
    base = os.environ.get("TAIZHANG_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"tz_{uuid.uuid4().hex[:12]}"
    with _admin_connection(base) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        with _admin_connection(base) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Site:
    def __init__(self, root: Path, database_url: str | None):
        self.home = root / "home"
        self.spool = root / "spool"  # the temp dir (TMPDIR) of the site's processes
        self.spool.mkdir(parents=True, exist_ok=True)
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("TAIZHANG_DATABASE_URL", "TMPDIR")
        }
        self.env.update(
            TAIZHANG_HOME=str(self.home),
            TMPDIR=str(self.spool),
            DJANGO_SETTINGS_MODULE="taizhang.config.settings",
            TAIZHANG_PASSWORD="Passw0rd2023",
        )
        if database_url:
            self.env["TAIZHANG_DATABASE_URL"] = database_url

    def run(self, *args: str, check: bool = True, umask: int | None = None):
        result = subprocess.run(
            [TAIZHANG, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            umask=-1 if umask is None else umask,
        )
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result


@contextlib.contextmanager
def fresh_site(root: Path):
    with fresh_database() as url:
        yield Site(root, url)
