"""The near-duplicate engine on generated study articles: no database."""

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.study import similarity as sim
from taizhang.study.corpus import (
    CLOSINGS,
    FORMULAS,
    HEADINGS,
    OPENINGS,
    THEMES,
    article,
    content_sentence,
    corpus,
    light_copy,
    second_article,
)
from taizhang.study.similarity import (
    DEFAULT_THRESHOLD,
    STOCK_PHRASES,
    K,
    content_shingles,
    estimate,
    normalize,
    shared_passages,
    signature_from_bytes,
    similar_pairs,
    similarity,
    sketch,
)


def formulaic(seed: int, n: int, copies: int, seconds: int):
    """`n` independent articles (themes in turn) "A…", light copies "C…" of the first
    `copies`, honest second articles "S…" of the next `seconds`."""
    rng = random.Random(seed)
    themes = list(THEMES)
    items = [(f"A{i:04d}", article(rng, themes[i % len(themes)])) for i in range(n)]
    copy_pairs, second_pairs = set(), set()
    for i in range(copies):
        items.append((f"C{i:04d}", light_copy(rng, items[i][1])))
        copy_pairs.add((f"A{i:04d}", f"C{i:04d}"))
    for i in range(copies, copies + seconds):
        items.append((f"S{i:04d}", second_article(rng, items[i][1], themes[i % len(themes)])))
        second_pairs.add((f"A{i:04d}", f"S{i:04d}"))
    return items, copy_pairs, second_pairs


@pytest.fixture(scope="module")
def three_hundred():
    return formulaic(seed=11, n=270, copies=12, seconds=18)


def test_planted_copies_found_nothing_honest_flagged(three_hundred):
    items, copy_pairs, second_pairs = three_hundred
    found = similar_pairs(items)
    assert {(a, b) for a, b, _ in found} == copy_pairs

    shingles = {code: content_shingles(text) for code, text in items}
    exact = {
        (a, b): sim._jaccard(shingles[a], shingles[b])
        for a, b in itertools.combinations(sorted(shingles), 2)
    }
    min_copy = min(exact[p] for p in copy_pairs)
    max_second = max(exact[p] for p in second_pairs)
    max_other = max(s for p, s in exact.items() if p not in copy_pairs | second_pairs)
    print(
        f"\nthreshold {DEFAULT_THRESHOLD}: min light copy {min_copy:.3f}, "
        f"max honest second article {max_second:.3f}, max other pair {max_other:.3f}"
    )
    assert min_copy >= DEFAULT_THRESHOLD + 0.15
    assert max_second <= DEFAULT_THRESHOLD - 0.1
    assert max_other <= DEFAULT_THRESHOLD - 0.25
    # the reported figure is the exact similarity, rounded
    for a, b, value in found:
        assert value == round(exact[(a, b)], 2)


def _formula_only(rng: random.Random, sentences: int = 2) -> str:
    """An article of the genre's formulas, all of them (a few are not in STOCK_PHRASES),
    in a random order, plus `sentences` content sentences of its own."""
    formulas = list(FORMULAS)
    rng.shuffle(formulas)
    headings = rng.sample(HEADINGS[:4], 4)
    paragraphs = [OPENINGS[0]]
    for number, (lead, tail) in enumerate(headings):
        said = "。".join(formulas[number::4])
        paragraphs.append(f"{'一二三四'[number]}、坚持{lead}，{tail}。{said}。")
    paragraphs.append(CLOSINGS[0])
    paragraphs[2] += "".join(content_sentence(rng, "安全生产") for _ in range(sentences))
    return "\n".join(paragraphs)


def test_sharing_the_formulas_is_not_similarity():
    rng = random.Random(5)
    texts = [_formula_only(rng) for _ in range(12)]
    worst = max(similarity(a, b) for a, b in itertools.combinations(texts, 2))
    print(f"\nformula-only pairs: max similarity {worst:.3f}")
    assert worst < DEFAULT_THRESHOLD - 0.25
    assert similar_pairs((str(i), t) for i, t in enumerate(texts)) == []
    # what the stock phrases are for: with the formulas' shingles kept, the same pairs
    # would be flagged
    raw = [np.unique(sim._shingle_hashes(sim._codes(t))[1]) for t in texts]
    assert max(sim._jaccard(a, b) for a, b in itertools.combinations(raw, 2)) >= DEFAULT_THRESHOLD


def test_stock_phrases_are_the_genres_and_have_shingles():
    assert 40 <= len(STOCK_PHRASES) <= 80
    assert len(set(STOCK_PHRASES)) == len(STOCK_PHRASES)
    for phrase in STOCK_PHRASES:
        assert len(normalize(phrase)) >= K, phrase
        assert not len(content_shingles(phrase)), phrase


@pytest.fixture(scope="module")
def one_fifty():
    """150 articles whose pairs cover the range: copies, copies of copies (heavier
    edits), honest second articles, independent articles."""
    items, copy_pairs, second_pairs = formulaic(seed=3, n=120, copies=10, seconds=10)
    rng = random.Random(4)
    texts = dict(items)
    for i in range(10):
        text = texts[f"C{i:04d}"]
        for _ in range(i % 4 + 1):
            text = light_copy(rng, text)
        items.append((f"D{i:04d}", text))
    return items


@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.5, DEFAULT_THRESHOLD, 0.7, 0.85])
def test_similar_pairs_agrees_with_brute_force(one_fifty, threshold):
    items = one_fifty
    shingles = {code: content_shingles(text) for code, text in items}
    exact = {
        (a, b): sim._jaccard(shingles[a], shingles[b])
        for a, b in itertools.combinations(sorted(shingles), 2)
    }
    found = similar_pairs(items, threshold)
    reported = {(a, b) for a, b, _ in found}
    assert len(reported) == len(found)
    for a, b, value in found:
        assert a < b
        assert exact[(a, b)] >= threshold
        assert value == round(exact[(a, b)], 2)
    must = {p for p, s in exact.items() if s >= threshold + 0.05}
    assert must <= reported, sorted(must - reported)
    assert sum(s >= threshold for s in exact.values()) >= 10  # the case is not empty
    # most similar first (unrounded), then by codes
    assert found == sorted(found, key=lambda p: (-exact[(p[0], p[1])], p[0], p[1]))


def test_matches_is_the_on_save_check():
    rng = random.Random(17)
    a = article(rng, "安全生产")
    copy, other = light_copy(rng, a), article(rng, "安全生产")
    found = sim.matches(a, [("b", other), ("c", copy), ("d", a)])
    assert [code for code, _ in found] == ["d", "c"]
    assert found[0][1] == 1.0 and found[1][1] == round(similarity(a, copy), 2)
    # the stored band keys of the copy meet the new article's: it is a candidate
    assert set(sketch(a).band_keys) & set(sketch(copy).band_keys)


def test_similar_pairs_output():
    rng = random.Random(8)
    a = article(rng, "民生保障")
    b = light_copy(rng, a)
    c = light_copy(rng, a)
    pairs = similar_pairs([("z", a), ("y", b), ("x", c), ("w", article(rng, "民生保障"))])
    assert {(p[0], p[1]) for p in pairs} == {("y", "z"), ("x", "z"), ("x", "y")}
    assert all(isinstance(p[2], float) and p[2] == round(p[2], 2) for p in pairs)
    assert similar_pairs([]) == [] and similar_pairs([("a", a)]) == []
    # texts without content are nobody's copy, not even of each other
    assert similar_pairs([("a", "。"), ("b", "。"), ("c", STOCK_PHRASES[0])] * 1) == []


def test_buckets_stay_small_when_every_article_shares_the_formulas():
    """300 articles, each all the genre's formulas (~700 characters) and ~500 characters
    of its own: with the formulas removed a band's largest bucket holds a few articles
    and few pairs are candidates (those sharing the few formulas not in STOCK_PHRASES);
    with them kept, five times as many."""
    rng = random.Random(9)
    texts = [_formula_only(rng, sentences=12) for _ in range(300)]

    def buckets():
        signatures = np.stack([sketch(text).signature for text in texts])
        keys = sim._band_keys(signatures, sim.DEFAULT_ROWS)
        largest = [np.unique(keys[:, b], return_counts=True)[1].max() for b in range(keys.shape[1])]
        first, _ = sim.candidate_pairs(signatures, sim.DEFAULT_ROWS)
        return int(np.median(largest)), len(first) / (len(texts) * (len(texts) - 1) / 2)

    largest, candidates = buckets()
    print(f"\nmedian largest bucket {largest}, candidate pairs {candidates:.2%}")
    real = sim._stock
    try:
        sim._stock = lambda: np.empty(0, dtype=np.uint64)
        raw_largest, raw_candidates = buckets()
    finally:
        sim._stock = real
    print(f"without STOCK_PHRASES: {raw_largest}, {raw_candidates:.2%}")
    assert largest <= 10
    assert candidates < 0.06
    assert raw_largest > largest
    assert raw_candidates > 5 * candidates


# -- properties ---------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
WORD = st.text(
    alphabet=st.one_of(CJK, st.sampled_from("abcXYZ0123ＡＢ１２")), min_size=1, max_size=10
)
PARAGRAPH = st.lists(WORD, min_size=1, max_size=10)
ARTICLE = st.lists(PARAGRAPH, min_size=1, max_size=5)
PUNCT = st.text(
    alphabet=st.sampled_from(list("，。、；：？！“”《》（）—… \t\u3000,.;:!?-")), max_size=3
)


def plain(paragraphs) -> str:
    return "\n".join("".join(words) for words in paragraphs)


@settings(max_examples=200, deadline=None)
@given(ARTICLE, ARTICLE)
def test_similarity_properties(a, b):
    ta, tb = plain(a), plain(b)
    s = similarity(ta, tb)
    assert 0.0 <= s <= 1.0
    assert s == similarity(tb, ta)
    assert similarity(ta, ta) == (1.0 if len(content_shingles(ta)) else 0.0)


@settings(max_examples=200, deadline=None)
@given(ARTICLE, ARTICLE, st.data())
def test_similarity_ignores_paragraph_order_whitespace_and_punctuation(a, other, data):
    text = plain(a)
    shuffled = data.draw(st.permutations(a))
    dressed = "\n".join(
        "".join(word + data.draw(PUNCT) for word in words) for words in shuffled
    ) + data.draw(st.sampled_from(["", "\n", "\r\n\n"]))
    assert np.array_equal(content_shingles(dressed), content_shingles(text))
    assert similarity(dressed, plain(other)) == similarity(text, plain(other))
    if len(content_shingles(text)):
        assert similarity(dressed, text) == 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_fast_normalization_is_nfkc(text):
    """The table-driven code points equal those of `normalize` (NFKC over the text),
    paragraph by paragraph, whatever the characters."""
    paragraphs = "".join(map(chr, sim._codes(text).tolist())).split("\0")
    expected = [normalize(p) for p in text.splitlines()]
    assert [p for p in paragraphs if p] == [p for p in expected if p]


def test_normalize():
    assert normalize("以学铸魂，　以学增智！\n Ａｂ１２ ①") == "以学铸魂以学增智Ab121"


# -- highlighting, sketches ---------------------------------------------------------------


def test_shared_passages_cover_the_shared_sentence():
    rng = random.Random(21)
    shared = "在青石村，网格员老王拉着我的手说了很多心里话，这件事让我久久不能平静。"
    a_paragraphs = article(rng, "乡村振兴").split("\n")
    b_paragraphs = article(rng, "营商环境").split("\n")
    a_paragraphs[2] += shared
    b_paragraphs[1] = shared + b_paragraphs[1]
    a, b = "\n".join(a_paragraphs), "\n".join(b_paragraphs)
    spans_a, spans_b = shared_passages(a, b)
    for text, spans in ((a, spans_a), (b, spans_b)):
        assert spans
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert all(e1 < s2 for (_, e1), (s2, _) in itertools.pairwise(spans))
        at = text.index(shared)
        assert any(s <= at and at + len(shared) - 1 <= e for s, e in spans), (at, spans)
        covered = sum(e - s for s, e in spans)
        assert covered < len(text) / 3  # the rest is their own
    assert shared_passages(a, "完全无关的一句话。") == ([], [])
    # a copy is highlighted nearly whole, formulas inside it included
    copy = light_copy(rng, a)
    spans, _ = shared_passages(a, copy)
    assert sum(e - s for s, e in spans) > 0.8 * len(a)


GOLDEN_KEYS = [(0, -6483647555993464331), (1, 9075138448423337904)]


def test_sketch_bytes_and_band_keys():
    rng = random.Random(2)
    a = article(rng, "生态环保")
    one, two = sketch(a), sketch(light_copy(rng, a))
    data = one.signature_bytes
    assert isinstance(data, bytes) and len(data) == sim.BINS * 4
    assert np.array_equal(signature_from_bytes(data), one.signature)
    with pytest.raises(ValueError):
        signature_from_bytes(data[:-1])
    keys = one.band_keys
    assert [band for band, _ in keys] == list(range(sim.BINS // sim.DEFAULT_ROWS))
    assert all(isinstance(k, int) and -(2**63) <= k < 2**63 for _, k in keys)
    assert len({k for _, k in keys}) == len(keys)
    # the estimate tracks the exact similarity
    assert (
        abs(estimate(one.signature, two.signature) - sim._jaccard(one.shingles, two.shingles))
        < 0.15
    )
    assert set(one.band_keys) & set(two.band_keys)  # a light copy shares bands
    # fixed across processes and versions: the keys are stored in the database
    fixed = sketch("以学铸魂，筑牢信仰之基。网格员老王反映的问题已经解决。")
    assert fixed.band_keys[:2] == GOLDEN_KEYS
    assert sketch("。").band_keys == [] and sketch("。").empty


def test_a_template_copied_by_forty_is_every_pair():
    """Forty identical copies fill every bucket past BUCKET_CAP; identical signatures are
    never split apart: all 780 pairs are reported."""
    rng = random.Random(13)
    template = article(rng, "基层治理")
    items = [(f"T{i:03d}", template) for i in range(40)]
    items += [(f"X{i:03d}", article(rng, "基层治理")) for i in range(60)]
    pairs = similar_pairs(items)
    assert len(pairs) == 40 * 39 // 2
    assert all(a.startswith("T") and b.startswith("T") and s == 1.0 for a, b, s in pairs)


def test_rows_for():
    assert sim.DEFAULT_ROWS == sim.rows_for(DEFAULT_THRESHOLD) == 3
    for t in (0.2, 0.35, 0.5, 0.55, 0.7, 0.85, 1.0):
        rows = sim.rows_for(t)
        assert 1 - (1 - t**rows) ** (sim.BINS // rows) >= sim.RECALL
    with pytest.raises(ValueError):
        similar_pairs([("a", "x")], threshold=0)


def test_corpus_is_deterministic_and_realistic():
    items, planted = corpus(random.Random(1), 105, planted=3)
    again, planted_again = corpus(random.Random(1), 105, planted=3)
    assert items == again and planted == planted_again
    assert len(items) == 105 and len(planted) == 3
    assert [code for code, _ in items] == sorted(code for code, _ in items)
    assert all(len(text.split("\n")) in range(5, 9) for _, text in items)
    lengths = [len(text) for _, text in items]
    assert 1300 <= min(lengths) and 1400 <= sum(lengths) / len(lengths) <= 1650
    assert {(a, b) for a, b, _ in similar_pairs(items)} == planted
