"""Benchmarks of issue #9 (the dispatch app) on the demo district (SQLite), as Markdown.

    .venv/bin/python bench/dispatch.py [--scale 1] [--repeat 5] [--audit 2000000]

Server time of the battle map and 周调度 for the whole district (the office), and of
每日动态 for one day (2,000 changes) with 50,000 and then 2,000,000 audit entries:
their ratio shows that the daily page does not grow with the audit. Baseline in the same run: the home page."""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(tempfile.mkdtemp(prefix="taizhang-bench-dispatch-"))
os.environ.update(
    TAIZHANG_HOME=str(HOME),
    DJANGO_SETTINGS_MODULE="taizhang.config.settings",
    TAIZHANG_ALLOWED_HOSTS="testserver,127.0.0.1",
)
os.environ.pop("TAIZHANG_DATABASE_URL", None)
sys.path.insert(0, str(ROOT))
DAY = dt.date(2023, 10, 16)
DAY_CHANGES = 2000
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def timed(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def audit_fill(total: int) -> None:
    """Audit entries up to `total`, spread over a year around the campaign but never on
    the measured day (whose changes, DAY_CHANGES of them, stay the same: the question is
    whether the page grows with the audit, not with the day), inserted at bulk speed.
    Not a valid chain: a benchmark's."""
    from taizhang.core.audit import FIELDS
    from taizhang.core.bulk import insert_values
    from taizhang.core.models import AuditEntry

    have = AuditEntry.objects.count()
    start = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)
    rows = []
    if not AuditEntry.objects.filter(actor_name="bench-day").exists():
        noon = dt.datetime.combine(DAY, dt.time(9), tzinfo=SHANGHAI)
        rows = [
            (
                noon + dt.timedelta(seconds=n),
                None,
                "bench-day",
                "update",
                "tasks",
                f"RW-{n % 60 + 1:03d}",
                None,
                {"progress": n % 100},
                *("" for _ in FIELDS[8:]),  # batch, source, chain: blank
            )
            for n in range(DAY_CHANGES)
        ]
        have += DAY_CHANGES
    for n in range(have, total):
        at = start + dt.timedelta(seconds=(n * 15_768) % (365 * 86400))
        if at.astimezone(SHANGHAI).date() == DAY:
            at += dt.timedelta(days=1)  # the measured day's changes stay the same
        rows.append(
            (
                at,
                None,
                "bench",
                "update",
                "tasks",
                f"RW-{n % 60 + 1:03d}",
                None,
                {"progress": n % 100},
                *("" for _ in FIELDS[8:]),  # batch, source, chain: blank
            )
        )
        if len(rows) == 20000:
            insert_values(AuditEntry, FIELDS, rows)
            rows = []
    if rows:
        insert_values(AuditEntry, FIELDS, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--audit", type=int, default=2_000_000)
    args = parser.parse_args()
    taizhang = [sys.executable, "-m", "taizhang"]
    subprocess.run([*taizhang, "init"], check=True, capture_output=True)
    subprocess.run([*taizhang, "demo", "--scale", str(args.scale)], check=True, capture_output=True)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from taizhang.accounts.models import User

    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)

    def get(url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    rows = []
    home = timed(get("/"), args.repeat)
    rows.append(("首页（基线）", home, ""))
    for label, url in (
        ("挂图作战（全区）", "/dispatch/"),
        ("周调度", f"/dispatch/weekly/?day={DAY}"),
    ):
        ms = timed(get(url), args.repeat)
        rows.append((label, ms, f"{ms / home:.2f}× 基线；目标 < 100 ms"))
    daily = f"/dispatch/daily/?day={DAY}"
    audit_fill(50_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = timed(get(daily), args.repeat)
    rows.append(("每日动态（审计 50,000 条）", small, ""))
    audit_fill(args.audit)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = timed(get(daily), args.repeat)
    rows.append(
        (
            f"每日动态（审计 {args.audit:,} 条）",
            large,
            f"{large / small:.2f}× 50,000 条时；目标 < 100 ms，不随审计增长",
        )
    )
    print(f"## 调度（issue 9，SQLite，演示区县规模 {args.scale}）\n")
    print("| 页面 | 服务器耗时 (ms，中位数) | 说明 |\n| --- | ---: | --- |")
    for label, ms, note in rows:
        print(f"| {label} | {ms:.1f} | {note} |")


if __name__ == "__main__":
    main()
