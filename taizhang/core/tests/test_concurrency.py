"""Two `taizhang import` processes writing the same new rows at once, on the engine the
suite runs on (a SQLite file, or a fresh database on the PostgreSQL server): every row is
written once and both succeed — on PostgreSQL the loser of the race checks again."""

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import xlsx_bytes

ORGS = "组织编码,组织名称,上级组织编码,组织类别\nQSH,青山湖区委,,区委\nQSH-1,一支部,QSH,党支部\n"


@pytest.fixture
def env(tmp_path):
    """A database of the suite's own engine for the two processes: a SQLite file, or a
    fresh database on the PostgreSQL server the suite runs on (dropped afterwards)."""
    env = {**os.environ, "TAIZHANG_HOME": str(tmp_path / "home")}
    url = os.environ.get("TAIZHANG_DATABASE_URL")
    if not url:
        yield env
        return
    import psycopg

    name = f"taizhang_concurrency_{uuid.uuid4().hex[:8]}"
    server = urlsplit(url)
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env["TAIZHANG_DATABASE_URL"] = urlunsplit(server._replace(path=f"/{name}"))
    yield env
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _taizhang(*args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "taizhang", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_imports_write_each_row_once(tmp_path, env):
    assert _taizhang("init", env=env).wait() == 0
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    assert _taizhang("import", "orgs", str(tmp_path / "orgs.csv"), env=env).wait() == 0
    rows = [["人员编号", "姓名", "所在组织编码"]] + [
        [f"CC{i:05d}", f"并发{i}", "QSH-1"] for i in range(3000)
    ]
    files = []
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(xlsx_bytes(rows))
        files.append(str(tmp_path / name))

    runs = [_taizhang("import", "people", f, env=env) for f in files]
    results = [(run.wait(), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    reports = sorted(out.strip() for _, out, _ in results)
    # One created the rows; the other found them written (at once, or after checking again).
    assert reports == [
        "导入完成：新增 0 条，更新 0 条，未变 3000 条。",
        "导入完成：新增 3000 条，更新 0 条，未变 0 条。",
    ]

    export = tmp_path / "people.xlsx"
    assert _taizhang("export", "people", str(export), env=env).wait() == 0
    import python_calamine

    exported = (
        python_calamine.CalamineWorkbook.from_path(str(export))
        .get_sheet_by_index(0)
        .to_python()[1:]
    )
    assert sorted(r[0] for r in exported) == [f"CC{i:05d}" for i in range(3000)]
    stats = subprocess.run(
        [sys.executable, "-m", "taizhang", "stats", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert '"members": 3000' in stats.stdout
