"""Benchmarks of issue #10 (the study app) on the demo district (SQLite), as Markdown.

    .venv/bin/python bench/study.py [--scale 1] [--repeat 5] [--articles 10000]

不掉队 for the whole district (30,000 members, ~3,050 sessions, ~60,000 attendance rows)
and the "8+3" table, as selectors and as pages (server time), beside the home page as the
baseline of the same run; then the check on saving one study article with 10,000 stored
(the nearest article through the LSH band index), beside comparing it with every stored
article (the brute force, same run), and a whole form save (create, then update) of one
article through the audited write."""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(tempfile.mkdtemp(prefix="taizhang-bench-study-"))
os.environ.update(
    TAIZHANG_HOME=str(HOME),
    DJANGO_SETTINGS_MODULE="taizhang.config.settings",
    TAIZHANG_ALLOWED_HOSTS="testserver,127.0.0.1",
)
os.environ.pop("TAIZHANG_DATABASE_URL", None)
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def articles_fill(total: int) -> list[str]:
    """Stored articles up to `total` (their band keys and signatures as a save leaves
    them), inserted at bulk speed: a benchmark's, not audited. Returns fresh texts."""
    from taizhang.orgs.models import Person
    from taizhang.study import corpus, similarity
    from taizhang.study.models import ArticleBand, StudyArticle

    rng = random.Random(10)
    items, _ = corpus.corpus(rng, total + 40, planted=20)
    author = Person.objects.filter(is_leader=True).order_by("code").first()
    fresh = [text for _, text in items[total:]]
    have = StudyArticle.objects.count()
    batch, bands = [], []
    for n, (code, text) in enumerate(items[: max(0, total - have)]):
        batch.append(
            StudyArticle(
                code=f"B-{code}",
                author=author,
                title=f"基准文章{n}",
                finished_on="2023-10-20",
                body=text,
                text=text,
                district="QSH",
                scope_path=author.scope_path,
                signature=similarity.sketch(text).signature_bytes,
            )
        )
        if len(batch) == 2000:
            bands += _save(batch)
            batch = []
    if batch:
        bands += _save(batch)
    ArticleBand.objects.bulk_create(bands, batch_size=5000)
    return fresh


def _save(batch):
    from taizhang.study import similarity
    from taizhang.study.models import ArticleBand, StudyArticle

    StudyArticle.objects.bulk_create(batch)
    saved = StudyArticle.objects.filter(code__in=[a.code for a in batch]).values_list("pk", "text")
    return [
        ArticleBand(article_id=pk, band=band, key=key)
        for pk, text in saved
        for band, key in similarity.sketch(text).band_keys
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    taizhang = [sys.executable, "-m", "taizhang"]
    subprocess.run([*taizhang, "init"], check=True, capture_output=True)
    subprocess.run([*taizhang, "demo", "--scale", str(args.scale)], check=True, capture_output=True)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from taizhang.accounts.models import User
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_write
    from taizhang.orgs.models import Organization, Person
    from taizhang.study import selectors, services, similarity
    from taizhang.study.models import StudyArticle, StudySession

    office = User.objects.get(username="office")
    client = Client()
    client.force_login(office)
    district = Organization.objects.get(code="QSH")
    start, end = selectors.default_window()

    def get(url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    members = Person.objects.filter(is_member=True).count()
    attendance = StudySession.attendees.through.objects.count()
    sessions = StudySession.objects.count()
    rows = []
    home = timed(get("/"), args.repeat)
    rows.append(("首页（基线）", home, ""))
    reach = timed(lambda: selectors.reach(office, district, start, end), args.repeat)
    rows.append(("不掉队：全区计算（selector）", reach, f"{reach / home:.2f}× 基线；目标 < 200 ms"))
    page = timed(get("/study/?org=QSH"), args.repeat)
    rows.append(("不掉队页面（全区，列出前 1,000 人）", page, f"{page / home:.2f}× 基线"))
    table = timed(
        lambda: selectors.categories_table(office, district, start, end, end), args.repeat
    )
    rows.append(("“8+3”分类指导表（selector）", table, f"{table / home:.2f}× 基线；目标 < 200 ms"))
    page = timed(get("/study/categories/?org=QSH"), args.repeat)
    rows.append(("“8+3”分类指导页面", page, f"{page / home:.2f}× 基线"))

    fresh = articles_fill(args.articles)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stored = StudyArticle.objects.count()
    texts = iter(fresh * (args.repeat + 2))
    check = timed(lambda: services.article_nearest(next(texts)), args.repeat * 4)
    rows.append((f"保存时查最相近文章（已存 {stored:,} 篇）", check, "目标 < 50 ms"))

    def brute():
        text = fresh[0]
        for other in StudyArticle.objects.values_list("text", flat=True).iterator(2000):
            similarity.similarity(text, other)

    brute_ms = timed(brute, 1)
    rows.append((f"对照：与已存 {stored:,} 篇逐一比较", brute_ms, f"快 {brute_ms / check:.0f} 倍"))
    ledger = registry["study_articles"]
    leader = Person.objects.filter(is_leader=True).order_by("code").first().code
    serial = iter(range(1, 10_000))

    def create():
        outcome = ledger_write(
            ledger=ledger,
            actor=office,
            rows=[
                (
                    None,
                    {
                        "code": f"BW-{next(serial)}",
                        "author": leader,
                        "title": "基准",
                        "finished_on": "2023-10-20",
                        "body": next(texts),
                    },
                )
            ],
        )
        assert outcome.written, [p.line() for p in outcome.problems]

    def update():
        outcome = ledger_write(
            ledger=ledger, actor=office, rows=[(None, {"code": "BW-1", "body": next(texts)})]
        )
        assert outcome.written, [p.line() for p in outcome.problems]

    made = timed(create, args.repeat)
    rows.append(("保存一篇文章（新增，含查重与审计）", made, ""))
    changed = timed(update, args.repeat)
    rows.append(("保存一篇文章（修改正文）", changed, ""))

    print(
        f"### Study (`bench/study.py`, SQLite, scale {args.scale}: {members:,} members, "
        f"{sessions:,} sessions, {attendance:,} attendance rows)\n"
    )
    print("| 项目 | 中位数 (ms) | 说明 |\n| --- | ---: | --- |")
    for label, ms, note in rows:
        print(f"| {label} | {ms:.1f} | {note} |")


if __name__ == "__main__":
    main()
