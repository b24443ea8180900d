"""Benchmark of the near-duplicate detector (taizhang.study.similarity), as Markdown.

    .venv/bin/python bench/similarity.py [--articles 10000] [--sample 800] [--seed 1]

10,000 generated study articles (~1,500 characters, taizhang.study.corpus) with planted
light copies and honest second articles: the time of `similar_pairs` at the default
threshold (target under 10 s), and in the same run the brute-force baseline: the exact
similarity of every pair of a sample of the articles, extrapolated by the number of pairs
to all of them (n(n-1)/2; their shingles computed once, as `similar_pairs` does). Also the
sketch time per article, the LSH candidates and the planted pairs found. No database."""

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=800)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import numpy as np

    from taizhang.study import similarity as sim
    from taizhang.study.corpus import corpus

    n = args.articles
    rng = random.Random(args.seed)
    start = time.perf_counter()
    items, planted = corpus(rng, n, planted=max(3, n // 500), seconds=n // 50)
    generated = time.perf_counter() - start
    chars = statistics.mean(len(text) for _, text in items)

    sim.sketch(items[0][1])  # tables built outside the timings
    start = time.perf_counter()
    sketches = [sim.sketch(text) for _, text in items]
    sketch_s = time.perf_counter() - start
    signatures = np.stack([s.signature for s in sketches])
    first, _ = sim.candidate_pairs(signatures, sim.DEFAULT_ROWS)
    keys = sim._band_keys(signatures, sim.DEFAULT_ROWS)
    largest = max(np.unique(keys[:, b], return_counts=True)[1].max() for b in range(keys.shape[1]))

    start = time.perf_counter()
    pairs = sim.similar_pairs(items)
    pairs_s = time.perf_counter() - start
    found = {(a, b) for a, b, _ in pairs}

    sample = [s.shingles for s in sketches[: args.sample]]
    start = time.perf_counter()
    for a, b in itertools.combinations(sample, 2):
        sim._jaccard(a, b)
    brute_sample_s = time.perf_counter() - start
    sample_pairs = len(sample) * (len(sample) - 1) // 2
    all_pairs = n * (n - 1) // 2
    brute_s = brute_sample_s / sample_pairs * all_pairs + sketch_s

    print(f"## 抄袭（雷同）检测（{n:,} 篇学习体会文章，平均 {chars:,.0f} 字）\n")
    print(
        f"Corpus from `taizhang.study.corpus` (seed {args.seed}, generated in {generated:.1f} s): "
        f"{len(planted)} planted light copies, {n // 50} honest second articles; "
        f"threshold {sim.DEFAULT_THRESHOLD}, {sim.BINS // sim.DEFAULT_ROWS} bands × "
        f"{sim.DEFAULT_ROWS} rows.\n"
    )
    print("| step | time | note |\n| --- | ---: | --- |")
    print(
        f"| sketch (normalize, shingles, MinHash) | {sketch_s / n * 1e6:.0f} µs/article | "
        f"{sketch_s:.2f} s for {n:,} |"
    )
    print(
        f"| `similar_pairs` (sketches included) | {pairs_s:.2f} s | target < 10 s; "
        f"{len(first):,} LSH candidate pairs ({len(first) / all_pairs:.2%} of {all_pairs:,}); "
        f"largest bucket {largest} articles (split above {sim.BUCKET_CAP}) |"
    )
    print(
        f"| brute force: exact similarity of every pair | {brute_s:,.0f} s (extrapolated) | "
        f"{sample_pairs:,} pairs of {len(sample)} articles measured in this run "
        f"({brute_sample_s / sample_pairs * 1e6:.1f} µs/pair) × {all_pairs:,} pairs, "
        f"+ the sketches |"
    )
    print(
        f"\nSpeed-up over brute force: **{brute_s / pairs_s:,.0f}×** (target ≥ 50×). "
        f"Planted copies found: **{len(planted & found)}/{len(planted)}**; "
        f"pairs reported: {len(pairs)} ({len(found - planted)} not planted)."
    )


if __name__ == "__main__":
    main()
