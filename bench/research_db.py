"""Benchmarks of issue #11 with the database (SQLite), as Markdown.

    .venv/bin/python bench/research_db.py [--trips 100000] [--repeat 20]

On the demo district plus `--trips` research trips over a year (skewed towards popular
targets, as bench/research.py generates them), inserted at bulk speed: the live check of
one trip as the form asks it (`ledger_write` dry run with its warnings: the stored trips at
its target and of its topic read through the index, the conflict engine, the words), at
the busiest and at a typical target; `taizhang research conflicts` over every trip; and
the conflicts page (its first page of findings). Baseline in the same run: the home page."""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(tempfile.mkdtemp(prefix="taizhang-bench-research-"))
os.environ.update(
    TAIZHANG_HOME=str(HOME),
    DJANGO_SETTINGS_MODULE="taizhang.config.settings",
    TAIZHANG_ALLOWED_HOSTS="testserver,127.0.0.1",
)
os.environ.pop("TAIZHANG_DATABASE_URL", None)
sys.path.insert(0, str(ROOT))
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def timed(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def trips_fill(total: int) -> tuple[str, str]:
    """`total` trips by the demo's leaders on its topics, over a year, at targets picked
    with a Zipf-like skew; returns the busiest target and a typical one."""
    from taizhang.orgs.models import Enterprise, Organization, Person
    from taizhang.research.models import ResearchTopic, ResearchTrip

    rng = random.Random(11)
    targets = list(Organization.objects.values_list("code", flat=True))
    targets += list(Enterprise.objects.values_list("credit_code", flat=True))
    rng.shuffle(targets)
    weights = [1 / (rank + 1) for rank in range(len(targets))]
    leaders = list(Person.objects.filter(is_leader=True).values_list("pk", "scope_path"))
    topics = list(ResearchTopic.objects.values_list("pk", flat=True))
    start = dt.datetime(2023, 1, 1, 8, tzinfo=SHANGHAI)
    chosen = rng.choices(targets, weights, k=total)
    batch = []
    for n, target in enumerate(chosen):
        leader, path = rng.choice(leaders)
        begins = start + dt.timedelta(days=rng.randrange(365), hours=rng.randrange(10))
        batch.append(
            ResearchTrip(
                code=f"B-{n:06d}",
                topic_id=rng.choice(topics),
                leader_id=leader,
                starts_at=begins,
                ends_at=begins + dt.timedelta(hours=rng.choice((3, 8, 30))),
                target=target,
                status=rng.choice(("已完成", "已完成", "计划", "已取消")),
                district="QSH",
                scope_path=path,
            )
        )
        if len(batch) == 5000:
            ResearchTrip.objects.bulk_create(batch)
            batch = []
    if batch:
        ResearchTrip.objects.bulk_create(batch)
    counts: dict[str, int] = {}
    for target in chosen:
        counts[target] = counts.get(target, 0) + 1
    ranked = sorted(counts, key=counts.get)
    return ranked[-1], ranked[len(ranked) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trips", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    taizhang = [sys.executable, "-m", "taizhang"]
    subprocess.run([*taizhang, "init"], check=True, capture_output=True)
    subprocess.run([*taizhang, "demo", "--scale", "0.2"], check=True, capture_output=True)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from taizhang.accounts.models import User
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_write
    from taizhang.orgs.models import Person
    from taizhang.research.conflicts import findings
    from taizhang.research.models import ResearchTopic, ResearchTrip
    from taizhang.research.selectors import as_trips
    from taizhang.research.services import window

    busiest, typical = trips_fill(args.trips)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)
    ledger = registry["research_trips"]
    leader = Person.objects.filter(is_leader=True).order_by("code").first().code
    topic = ResearchTopic.objects.order_by("code").first().code
    stored = ResearchTrip.objects.count()
    at = {
        target: ResearchTrip.objects.filter(target=target).count() for target in (busiest, typical)
    }

    def check(target):
        def run():
            outcome = ledger_write(
                ledger=ledger,
                actor=office,
                rows=[
                    (
                        None,
                        {
                            "code": "DY-NEW",
                            "topic": topic,
                            "leader": leader,
                            "starts_at": "2023-06-12 09:00",
                            "ends_at": "2023-06-12 12:00",
                            "target": target,
                        },
                    )
                ],
                mode="create",
                dry_run=True,
                confirmed=False,
            )
            assert outcome.ok, [p.line() for p in outcome.problems]

        return run

    def home():
        assert client.get("/").status_code == 200

    rows = []
    baseline = timed(home, 5)
    rows.append(("首页（基线）", baseline, ""))
    ms = timed(check(typical), args.repeat)
    rows.append((f"表单实时检查一次调研（一般对象，已有 {at[typical]} 次）", ms, "目标 < 50 ms"))
    ms = timed(check(busiest), args.repeat)
    rows.append(
        (f"表单实时检查一次调研（最热门对象，已有 {at[busiest]:,} 次）", ms, "目标 < 50 ms")
    )
    every = timed(lambda: findings(as_trips(ResearchTrip.objects.all()), window=window()), 3)
    rows.append((f"全部 {stored:,} 次调研的检测（读库 + 计算）", every, ""))
    page = timed(lambda: client.get("/research/"), 3)
    rows.append(("扎堆·多头·重复页面（第一页 50 组）", page, f"{page / baseline:.1f}× 基线"))
    print(f"### 调研冲突，数据库中 {stored:,} 次调研（`bench/research_db.py`, SQLite）\n")
    print("| 项目 | 中位数 (ms) | 说明 |\n| --- | ---: | --- |")
    for label, value, note in rows:
        print(f"| {label} | {value:.1f} | {note} |")


if __name__ == "__main__":
    main()
