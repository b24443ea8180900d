"""Benchmarks of issue #2 on the demo district (SQLite), printed as Markdown.

    make bench        (or: .venv/bin/python bench/run.py [--repeat N])

Times drift on a shared machine; the ratios measured in the same run are what to read."""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.update(
    TAIZHANG_HOME=str(HOME),
    DJANGO_SETTINGS_MODULE="taizhang.config.settings",
    TAIZHANG_ALLOWED_HOSTS="testserver,127.0.0.1",
)
os.environ.pop("TAIZHANG_DATABASE_URL", None)
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> float:
    """Median wall time of `fn` in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def bench_demo() -> float:
    taizhang = [sys.executable, "-m", "taizhang"]
    subprocess.run([*taizhang, "init"], check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([*taizhang, "demo"], check=True, capture_output=True)
    return time.perf_counter() - start


def bench_pages(repeat: int) -> list[tuple]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from taizhang.accounts.models import Grant, User
    from taizhang.orgs.models import Organization

    def user_at(code: str, role: str):
        user, _ = User.objects.get_or_create(username=f"bench-{code}")
        Grant.objects.get_or_create(user=user, role=role, org=Organization.objects.get(code=code))
        return user

    users = {
        "区级（office@QSH，深度 1）": user_at("QSH", "office"),
        "党总支（org_admin@QSH-01-Z01，深度 3）": user_at("QSH-01-Z01", "org_admin"),
        "党支部（org_admin@QSH-01-Z01-01，深度 4）": user_at("QSH-01-Z01-01", "org_admin"),
    }
    results = []
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        client.get("/")  # the session's first request renews it; count steady-state pages
        for kind, url in (
            ("列表页", "/ledgers/people/?page_size={n}"),
            ("API", "/api/v1/people/?page_size={n}"),
        ):
            counts = []
            for n in (10, 50):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url.format(n=n))
                assert response.status_code == 200, (url, response.status_code)
                counts.append(len(queries))
            ms = timed(lambda u=url, c=client: c.get(u.format(n=50)), repeat)
            rows = response.json()["count"] if kind == "API" else None
            results.append((label, kind, ms, counts, rows))
    return results


def people_file(rows: int, title: str = "党员") -> bytes:
    import xlsxwriter

    from taizhang.orgs.models import Organization

    branches = list(Organization.objects.filter(kind="党支部").values_list("code", flat=True))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    headers = [
        "人员编号",
        "姓名",
        "所在组织编码",
        "职务",
        "手机号码",
        "县处级领导",
        "党员",
        "人员类别",
    ]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h)
    kinds = ["", "青年", "离退休", "离退休、年老体弱", "流动党员"]
    for r in range(1, rows + 1):
        values = [
            f"B{r:06d}",
            "张" + "伟芳娜秀英敏"[r % 6] + "华明"[r % 2],
            branches[r % len(branches)],
            title,
            f"139{r:08d}",
            "否",
            "是",
            kinds[r % 5],
        ]
        for c, v in enumerate(values):
            sheet.write_string(r, c, v)
    book.close()
    return buffer.getvalue()


def bench_import(rows: int) -> dict:
    import python_calamine
    from django.db import connection

    from taizhang.core.ledger import registry
    from taizhang.core.ledger_files import ledger_import

    content = people_file(rows)
    start = time.perf_counter()
    outcome = ledger_import(
        ledger=registry["people"], actor=None, content=content, filename="people.xlsx"
    )
    ours = time.perf_counter() - start
    assert outcome.ok and len(outcome.created) == rows, [p.line() for p in outcome.problems[:3]]
    start = time.perf_counter()
    again = ledger_import(
        ledger=registry["people"], actor=None, content=content, filename="people.xlsx"
    )
    reimport = time.perf_counter() - start
    assert again.unchanged == rows
    corrected = people_file(rows, title="支部委员")  # one column changed in every row
    start = time.perf_counter()
    update = ledger_import(
        ledger=registry["people"], actor=None, content=corrected, filename="people.xlsx"
    )
    updated = time.perf_counter() - start
    assert len(update.updated) == rows, [p.line() for p in update.problems[:3]]

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (code TEXT, name TEXT, org TEXT, title TEXT, mobile TEXT,"
            " is_leader TEXT, is_member TEXT, kinds TEXT)"
        )
    start = time.perf_counter()
    cells = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        .get_sheet_by_index(0)
        .to_python()
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_floor VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", cells[1:]
        )
    connection.commit() if not connection.get_autocommit() else None
    floor = time.perf_counter() - start
    return {"rows": rows, "ours": ours, "reimport": reimport, "update": updated, "floor": floor}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rows", type=int, default=40000)
    args = parser.parse_args()

    demo_seconds = bench_demo()
    import django

    django.setup()
    pages = bench_pages(args.repeat)
    imported = bench_import(args.rows)

    print(f"# taizhang benchmarks ({time.strftime('%Y-%m-%d')}, SQLite, `make bench`)\n")
    print(f"## `taizhang demo`\n\n{demo_seconds:.1f} s (target: under 120 s)\n")
    print("## 50-row people page, median server time\n")
    print("| user | page | median ms | SQL queries (page_size 10 / 50) | rows in scope |")
    print("| --- | --- | ---: | --- | ---: |")
    for label, kind, ms, counts, rows in pages:
        print(
            f"| {label} | {kind} | {ms:.1f} | {counts[0]} / {counts[1]} | {rows if rows is not None else ''} |"
        )
    district = {k: ms for label, k, ms, _, _ in pages if label.startswith("区级")}
    for label, kind, ms, _, _ in pages:
        if not label.startswith("区级"):
            print(f"\n- {label} / {kind}: ratio to the district user {ms / district[kind]:.2f}")
    ours_rate = imported["rows"] / imported["ours"]
    floor_rate = imported["rows"] / imported["floor"]
    print(f"\n## Importing a {imported['rows']:,}-row people file (audit included)\n")
    print("| path | seconds | rows/s |")
    print("| --- | ---: | ---: |")
    print(f"| taizhang import (new rows) | {imported['ours']:.2f} | {ours_rate:,.0f} |")
    print(
        f"| taizhang re-import (unchanged) | {imported['reimport']:.2f} | {imported['rows'] / imported['reimport']:,.0f} |"
    )
    update_rate = imported["rows"] / imported["update"]
    print(
        f"| taizhang import (one column changed in every row) | {imported['update']:.2f} | {update_rate:,.0f} |"
    )
    print(
        f"| floor: calamine read + one executemany INSERT | {imported['floor']:.2f} | {floor_rate:,.0f} |"
    )
    print(
        f"\nRatio to the floor, same run: new rows {ours_rate / floor_rate:.2f}, "
        f"updates {update_rate / floor_rate:.2f} (target ≥ 10,000 rows/s each)"
    )


if __name__ == "__main__":
    main()
