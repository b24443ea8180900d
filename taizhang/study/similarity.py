"""Near-duplicate (copy-paste) detection for leaders' study articles: a pure engine, no
database, no Django.

THE similarity of two articles, everywhere (CLI, on-save check, office page), is
`similarity(a, b)`: the exact Jaccard index of their *content shingle* sets. MinHash and
LSH only find the candidate pairs.

- `normalize`: NFKC, then everything but letters, digits and CJK dropped (whitespace,
  punctuation, symbols), so that re-punctuating a text changes nothing.
- Shingles: every run of K = 5 consecutive characters of a normalized paragraph (paragraphs
  are the lines of `str.splitlines`; no shingle spans two, so reordering paragraphs changes
  nothing), hashed to 64 bits by a fixed polynomial over the code points followed by the
  splitmix64 finalizer: deterministic across processes, never Python's salted `hash()`. A
  5-character shingle spans 2–3 Chinese words: a changed word kills only the shingles
  overlapping it, and two articles sharing a theme's vocabulary (高标准农田建设, 接诉即办) share
  few of them. On the corpus below (seed 2024), the gap between the least similar light
  copy and the most similar honest second article is 0.40 at K = 4, 0.43 at K = 5 and
  0.45 at K = 6: 4 is worse; 6 is marginally better but needs 6 unchanged characters per
  shingle (short shared passages, as highlighted by `shared_passages`, and edited texts
  lose more), so 5.
- Content shingles: the shingles minus those of `STOCK_PHRASES`, the formulas every article
  of the genre repeats (深入学习贯彻习近平新时代中国特色社会主义思想, 以学铸魂、以学增智…), and
  minus the shingles that straddle an occurrence of one (坚持以学铸 of 一、坚持以学铸魂): a
  formula acts as a paragraph break. Sharing boilerplate is not similarity. A text with no
  content shingles (formulas only, or shorter than K) is similar to nothing, itself
  included.

MinHash + LSH, to find the pairs among 10,000 articles without comparing 50 million pairs:

- `Sketch`: an article's content shingles (sorted unique uint64), its MinHash signature and
  its LSH band keys. The signature is one-permutation MinHash (Li, Owen & Zhang 2012): the
  64-bit shingle hash is already a random permutation of the shingle space, its top 7 bits
  choose one of BINS = 128 bins, the signature holds the low 32 bits of each bin's smallest
  hash; an empty bin (texts of a few hundred characters) borrows from the next non-empty
  bin, salted by the distance (rotation densification, Shrivastava & Li 2014). The fraction
  of equal bins estimates the Jaccard index (`estimate`). The shingles being sorted
  anyway, the bins' minima are one `np.searchsorted` instead of 128 hash permutations.
- LSH: the 128 values cut into bands of `rows` values; two articles agreeing on a band are
  candidates. `rows_for(threshold)` takes the most rows for which a pair exactly at the
  threshold is proposed with probability ≥ 99.5 % (1 - (1 - t^rows)^bands): at the default
  threshold 0.55, 42 bands of 3 rows (a pair at 0.55: 99.95 %; at 0.6: 99.996 %).
  Candidates whose estimate is under threshold - 0.2 (4.5 standard deviations of a 128-bin
  estimate) are dropped, the others decided by their exact similarity.
- Bucket sizes. Every article carries the same boilerplate: were the formulas' shingles
  kept, they would be the minimum of many bins in every article, and bands would agree
  because two articles share formulas (tests: 300 formula-heavy articles, 27 % of the
  pairs candidates with the formulas kept, 4.5 % without). Boilerplate that is not in
  STOCK_PHRASES (a district's own formula in every article) still makes large buckets; a
  bucket of more than BUCKET_CAP = 32 articles is split on the next band's key, and the
  next, so that its articles pair up only if they also agree elsewhere (identical
  signatures never split: 100 copies of one template are 4,950 true pairs). On 10,000
  generated articles the LSH proposes ~0.3 % of the pairs (bench/similarity.py).

Why numpy and not scipy or datasketch: the slow part of MinHash in Python is hashing every
shingle of every text (1,500 per article, 15 million for 10,000 articles) and taking 128
minima per text. datasketch's `MinHash.update` takes one shingle per Python call (a SHA-1
and a 128-value numpy operation each: 15 million calls), and scipy has no MinHash. Here a
text becomes its UTF-32 code points with one `encode` and a table look-up (no per-character
Python), its shingles are hashed with a few whole-array operations and its signature is
one `searchsorted`: ~0.15 ms per article on this machine, numpy the only dependency.

`DEFAULT_THRESHOLD` = 0.55, measured on `taizhang.study.corpus` (seeds 2024, 7 and 11; per
seed 3,000 articles on 6 themes: 1,000 light copies, 1,000 honest second articles, all
pairs of 600 independent articles):

    light copy (body paragraphs reordered, a sentence replaced, 3–6 words changed)
        min 0.823   mean 0.90
    the same copied again (2 rounds) / (3 rounds)
        min 0.725 / 0.634   mean 0.82 / 0.76
    honest second article (same author and theme, a third of the sentences reused)
        max 0.425   mean 0.29
    two independent articles, same theme (the formulas and the theme's vocabulary)
        max 0.184   mean 0.071   (with the formulas' shingles kept: max 0.238, mean 0.096)
    two independent articles, different themes
        max 0.132   mean 0.040

0.55 lies 0.125 above the most similar honest second article of 3,000 and 0.27 below the
least similar light copy of 3,000; it still catches a text copied through three rounds of
light edits. In sentences: an article reusing a fraction f of another's sentences scores
about f / (2 - f), so 0.55 is reached at f ≈ 0.71 — more than two thirds of a text taken
over — while reusing a third scores ~0.2 (plus the theme's shared vocabulary, ~0.07).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

K = 5
BINS = 128
DEFAULT_THRESHOLD = 0.55
RECALL = 0.995  # probability that LSH proposes a pair at exactly the threshold
ESTIMATE_SLACK = 0.2  # a candidate is verified when its estimate ≥ threshold - this
BUCKET_CAP = 32  # a larger LSH bucket is split on further bands (see _split)

STOCK_PHRASES: tuple[str, ...] = (
    # The genre's formulas (学习体会文章 of 主题教育): shingles of these are not content.
    # Written as they are printed; `normalize` drops the punctuation. Phrases of fewer than
    # K characters have no shingle and are not listed.
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "学习贯彻习近平新时代中国特色社会主义思想主题教育",
    "习近平新时代中国特色社会主义思想专题摘编",
    "《习近平著作选读》",
    "以学铸魂、以学增智、以学正风、以学促干",
    "以学铸魂，筑牢信仰之基",
    "以学增智，提升履职本领",
    "以学正风，锤炼过硬作风",
    "以学促干，担当实干作为",
    "学思想、强党性、重实践、建新功",
    "学思想，坚定理想信念",
    "强党性，筑牢忠诚之魂",
    "重实践，推动工作落实",
    "建新功，展现担当作为",
    "坚定拥护“两个确立”、坚决做到“两个维护”",
    "深刻领悟“两个确立”的决定性意义",
    "不断增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "不忘初心、牢记使命",
    "守初心、担使命，找差距、抓落实",
    "始终在思想上政治上行动上同以习近平同志为核心的党中央保持高度一致",
    "把学习成果转化为推动高质量发展的强大动力",
    "坚持以人民为中心的发展思想",
    "全心全意为人民服务",
    "牢固树立和践行正确的政绩观",
    "大兴调查研究之风",
    "以钉钉子精神抓好工作落实",
    "时刻绷紧廉洁自律这根弦",
    "做到学思用贯通、知信行统一",
    "理论上清醒，政治上才能坚定",
    "完整、准确、全面贯彻新发展理念",
    "贯彻新发展理念、构建新发展格局、推动高质量发展",
    "坚持和加强党的全面领导",
    "坚定不移推进全面从严治党",
    "推动全面从严治党向纵深发展",
    "以中国式现代化全面推进中华民族伟大复兴",
    "把对党忠诚落实到具体行动上",
    "深入贯彻中央八项规定及其实施细则精神",
    "持之以恒纠治“四风”",
    "发扬斗争精神、增强斗争本领",
    "着力解决群众急难愁盼问题",
    "坚持好、运用好贯穿其中的立场观点方法",
    "以党的自我革命引领社会自我革命",
    "深入学习贯彻党的二十大精神",
    "牢记“三个务必”",
    # Openings
    "按照区委关于开展主题教育的部署要求",
    "主题教育领导小组的统一安排",
    "通过集中学习、专题研讨和个人自学",
    "坚持把理论学习摆在首要位置",
    "原原本本学、逐章逐节学、联系实际学",
    "坚持学原文、读原著、悟原理",
    "深刻感悟到这一重要思想的真理力量和实践伟力",
    "思想上受到了深刻洗礼",
    "结合自身思想和工作实际，谈几点学习体会",
    "现将学习体会汇报如下",
    "现将学习体会报告如下",
    # Closings
    "总之，通过这次主题教育",
    "在今后的工作中",
    "以更加饱满的热情、更加务实的作风",
    "为奋力谱写中国式现代化的区县篇章贡献力量",
    "进一步坚定了理想信念、提升了能力本领",
    "坚持学以致用、用以促学",
    "不辜负组织的信任和群众的期盼",
    "以此次主题教育为契机",
    "以实际行动和优异成绩践行对党的忠诚",
)

_DROP = re.compile(r"[\W_]+")
# Odd 64-bit multipliers of the shingle polynomial (fixed: the hashes are stored).
_POLY = tuple(
    np.uint64(m)
    for m in (
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    )
)[:K]
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_BIN_SHIFT = np.uint64(64 - 7)  # 2**7 == BINS
_LOW32 = np.uint64(0xFFFFFFFF)


def normalize(text: str) -> str:
    """NFKC, then only letters, digits and CJK characters (whitespace, punctuation and
    symbols dropped). Shingles are taken paragraph by paragraph (`str.splitlines`) of this."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


# Line breaks (those of str.splitlines) end a paragraph: no shingle spans two paragraphs.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_KEEP, _DROPPED, _NFKC, _BREAK = 1, 0, 2, 3


@cache
def _classes() -> np.ndarray:
    """For every BMP code point: _DROPPED if `normalize` drops it whatever surrounds it,
    _KEEP if it keeps it unchanged, _BREAK for a line break, _NFKC if it takes NFKC of the
    whole paragraph to know (compatibility characters such as full-width letters or
    circled digits, combining marks, Hangul jamo). Built on first use (~30 ms)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        folded = unicodedata.normalize("NFKC", c)
        if c in _LINE_BREAKS:
            table[cp] = _BREAK
        elif unicodedata.combining(c) or 0x1100 <= cp < 0x1200 or 0xA960 <= cp < 0xA980:
            table[cp] = _NFKC
        elif 0xD7B0 <= cp < 0xD800:
            table[cp] = _NFKC
        elif folded == c:
            table[cp] = _DROPPED if _DROP.fullmatch(c) else _KEEP
        else:
            table[cp] = _DROPPED if _DROP.fullmatch(folded) else _NFKC
    return table


def _codes(text: str) -> np.ndarray:
    """The code points of the normalized paragraphs of `text` as uint64, a 0 between two
    paragraphs. When no character needs NFKC (the common case: CJK text with full-width
    punctuation) this is one table look-up per character instead of NFKC over the text
    (~200 µs for 1,500 characters once a full-width comma is in it)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    classes = _classes()[np.minimum(codes, 0xFFFF)]
    classes[codes > 0xFFFF] = _NFKC
    if (classes == _NFKC).any():
        text = "\0".join(normalize(paragraph) for paragraph in text.splitlines())
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    keep = (classes == _KEEP) | (classes == _BREAK)
    kept = codes[keep].astype(np.uint64)
    kept[classes[keep] == _BREAK] = 0
    return kept


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, element-wise (uint64, wrapping)."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def _shingle_hashes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For `_codes`: the positions where a shingle (K characters of one paragraph) starts
    and its hash (uint64), in text order."""
    n = len(codes) - K + 1
    if n <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    h = codes[:n] * _POLY[0]
    for j in range(1, K):
        h += codes[j : j + n] * _POLY[j]
    breaks = np.flatnonzero(codes == 0)
    if not len(breaks):
        return np.arange(n), _mix(h)
    crossing = np.cumsum(np.concatenate(([0], codes == 0)))
    starts = np.flatnonzero(crossing[K : K + n] == crossing[:n])
    return starts, _mix(h[starts])


@cache
def _stock() -> np.ndarray:
    """The shingles of STOCK_PHRASES, sorted."""
    found = [_shingle_hashes(_codes(p))[1] for p in STOCK_PHRASES]
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.uint64)


_FILTER_BITS = 20


@cache
def _stock_filter() -> np.ndarray:
    """A direct-address filter of the stock shingles: True at their low 20 bits (one
    look-up per shingle; `searchsorted` only for the few that pass)."""
    table = np.zeros(1 << _FILTER_BITS, dtype=bool)
    table[(_stock() & np.uint64((1 << _FILTER_BITS) - 1)).astype(np.int64)] = True
    return table


def _not_stock(h: np.ndarray) -> np.ndarray:
    """Mask of the hashes that are not shingles of a stock phrase."""
    stock = _stock()
    if not len(stock) or not len(h):
        return np.ones(len(h), dtype=bool)
    table = _stock_filter()
    maybe = np.flatnonzero(table[(h & np.uint64((1 << _FILTER_BITS) - 1)).astype(np.int64)])
    out = np.ones(len(h), dtype=bool)
    found = np.searchsorted(stock, h[maybe])
    out[maybe] = stock[np.minimum(found, len(stock) - 1)] != h[maybe]
    return out


def content_shingles(text: str) -> np.ndarray:
    """The text's content shingles: hashes, sorted, unique; no shingle of a stock phrase
    nor one straddling an occurrence of a stock phrase."""
    codes = _codes(text)
    at, h = _shingle_hashes(codes)
    stock = ~_not_stock(h)
    if stock.any():
        in_stock = np.concatenate(([0], np.cumsum(_covered(len(codes), at[stock]))))
        h = h[in_stock[at + K] == in_stock[at]]
    h = np.sort(h)
    if len(h):
        h = h[np.concatenate(([True], h[1:] != h[:-1]))]
    return h


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    found = np.searchsorted(b, a)
    common = int(np.count_nonzero(b[np.minimum(found, len(b) - 1)] == a))
    return common / (len(a) + len(b) - common)


def similarity(a_text: str, b_text: str) -> float:
    """THE similarity: the exact Jaccard index of the two texts' content shingle sets,
    in [0, 1]; 0.0 when either text has no content shingles."""
    return _jaccard(content_shingles(a_text), content_shingles(b_text))


# -- MinHash signature and LSH bands -------------------------------------------------------

_BIN_STARTS = np.arange(BINS, dtype=np.uint64) << _BIN_SHIFT


def _signature(shingles: np.ndarray) -> np.ndarray:
    """One-permutation MinHash with rotation densification: BINS × uint32."""
    if not len(shingles):
        return np.zeros(BINS, dtype=np.uint32)
    first = np.searchsorted(shingles, _BIN_STARTS)
    last = np.append(first[1:], len(shingles))
    values = shingles[np.minimum(first, len(shingles) - 1)] & _LOW32
    empty = first == last
    if empty.any():
        # Each empty bin borrows the value of the next non-empty bin (circularly), mixed
        # with the distance so that two texts agree there only if they agree on the donor.
        full = np.flatnonzero(~empty)
        bins = np.arange(BINS)
        donor_at = np.searchsorted(full, bins) % len(full)
        donor = full[donor_at]
        distance = (donor - bins) % BINS
        borrowed = _mix(values[donor] ^ (distance.astype(np.uint64) << np.uint64(32)))
        values = np.where(empty, borrowed & _LOW32, values)
    return values.astype(np.uint32)


def rows_for(threshold: float) -> int:
    """Rows per LSH band: the most (fewest candidates) for which a pair at `threshold` is
    proposed with probability ≥ RECALL."""
    best = 1
    for rows in range(1, 17):
        if 1 - (1 - threshold**rows) ** (BINS // rows) >= RECALL:
            best = rows
    return best


DEFAULT_ROWS = rows_for(DEFAULT_THRESHOLD)


def _band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """Band keys of a (n, BINS) uint32 signature array: (n, BINS // rows) int64, band
    number mixed in (a key identifies its band)."""
    bands = BINS // rows
    grouped = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    h = np.arange(1, bands + 1, dtype=np.uint64) * _POLY[0]
    h = np.broadcast_to(h, grouped.shape[:2]).copy()
    for r in range(rows):
        h = _mix(h ^ grouped[:, :, r])
    return h.view(np.int64)


@dataclass(frozen=True, eq=False)
class Sketch:
    """One article's content shingles (sorted unique uint64), MinHash signature (BINS ×
    uint32) and, as `band_keys`, its LSH keys at DEFAULT_ROWS rows per band."""

    shingles: np.ndarray
    signature: np.ndarray

    @property
    def empty(self) -> bool:
        """No content shingles: similar to nothing, no band keys."""
        return not len(self.shingles)

    @property
    def signature_bytes(self) -> bytes:
        """The signature as BINS × 4 bytes (little-endian uint32), for a BinaryField."""
        return self.signature.astype("<u4").tobytes()

    @cached_property
    def band_keys(self) -> list[tuple[int, int]]:
        """[(band number 0…, key)] at DEFAULT_ROWS rows per band; keys are signed 64-bit
        integers (a BigIntegerField). Empty for a text without content shingles."""
        if self.empty:
            return []
        keys = _band_keys(self.signature[None, :], DEFAULT_ROWS)[0]
        return [(band, int(key)) for band, key in enumerate(keys)]


def sketch(text: str) -> Sketch:
    shingles = content_shingles(text)
    return Sketch(shingles=shingles, signature=_signature(shingles))


def signature_from_bytes(data: bytes) -> np.ndarray:
    """The inverse of `Sketch.signature_bytes`."""
    if len(data) != BINS * 4:
        raise ValueError(f"a signature is {BINS * 4} bytes, not {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard index: the fraction of equal bins. For ranking
    candidates only; report `similarity`."""
    return float(np.count_nonzero(np.asarray(sig_a) == np.asarray(sig_b))) / BINS


def estimate_many(sig: np.ndarray, sigs: np.ndarray) -> np.ndarray:
    """`estimate` of one signature against each row of a (n, BINS) array."""
    return np.count_nonzero(np.asarray(sigs) == np.asarray(sig)[None, :], axis=1) / BINS


# -- all pairs -----------------------------------------------------------------------------


def _bucket_pairs(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Pairs (i < j, encoded i * 2**32 + j) of documents sharing a key: every pair inside
    every bucket, vectorised by offset within the sorted buckets."""
    order = np.argsort(keys, kind="stable")
    keys, docs = keys[order], docs[order]
    same = keys[1:] == keys[:-1]
    if not same.any():
        return np.empty(0, dtype=np.int64)
    out = []
    live = np.flatnonzero(same)  # positions p whose bucket continues at p + offset
    offset = 1
    while len(live):
        a, b = docs[live], docs[live + offset]
        out.append((np.minimum(a, b) << 32) | np.maximum(a, b))
        nxt = live + offset + 1
        live = live[(nxt < len(keys)) & (keys[np.minimum(nxt, len(keys) - 1)] == keys[live])]
        offset += 1
    return np.concatenate(out)


def _split(keys: np.ndarray, band: int) -> np.ndarray:
    """Band `band`'s keys, where a bucket holds more than BUCKET_CAP documents refined by
    the next bands' keys (as many as it takes): a bucket that large is boilerplate
    outside STOCK_PHRASES (a district's own formula in every article), whose members
    split apart on their content; documents with equal signatures never split."""
    out = keys[:, band].copy()
    bands = keys.shape[1]
    for step in range(1, bands):
        _, inverse, counts = np.unique(out, return_inverse=True, return_counts=True)
        big = counts[inverse] > BUCKET_CAP
        if not big.any():
            break
        mixed = _mix(out[big].view(np.uint64) ^ keys[big, (band + step) % bands].view(np.uint64))
        out[big] = mixed.view(np.int64)
    return out


def candidate_pairs(signatures: np.ndarray, rows: int, valid: np.ndarray | None = None):
    """Distinct (i, j) index arrays, i < j, of the rows of `signatures` sharing a band key
    at `rows` rows per band (buckets over BUCKET_CAP refined, see `_split`); rows where
    `valid` is False take no part."""
    docs = np.arange(len(signatures), dtype=np.int64)
    if valid is not None:
        docs = docs[valid]
    keys = _band_keys(signatures[docs], rows)
    found = [_bucket_pairs(_split(keys, band), docs) for band in range(keys.shape[1])]
    pairs = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return pairs >> 32, pairs & 0xFFFFFFFF


def similar_pairs(
    items: Iterable[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[str, str, float]]:
    """Every pair of (code, text) items whose `similarity` ≥ threshold, as (code_a, code_b,
    similarity rounded to 2 decimals) with code_a < code_b, most similar first then by
    codes. Candidates come from LSH (see the module docstring): a pair well above the
    threshold is found with certainty in practice, one exactly at it with ≥ 99.5 %."""
    if not 0 < threshold <= 1:
        raise ValueError(f"a threshold is in (0, 1], not {threshold}")
    items = list(items)
    sketches = [sketch(text) for _, text in items]
    if len(items) < 2:
        return []
    signatures = np.stack([s.signature for s in sketches])
    valid = np.array([not s.empty for s in sketches])
    first, second = candidate_pairs(signatures, rows_for(threshold), valid)
    out = []
    chunk = 1 << 16
    for start in range(0, len(first), chunk):
        i, j = first[start : start + chunk], second[start : start + chunk]
        agree = np.count_nonzero(signatures[i] == signatures[j], axis=1) / BINS
        near = agree >= threshold - ESTIMATE_SLACK
        for a, b in zip(i[near].tolist(), j[near].tolist(), strict=True):
            sim = _jaccard(sketches[a].shingles, sketches[b].shingles)
            if sim >= threshold:
                code_a, code_b = sorted((items[a][0], items[b][0]))
                out.append((code_a, code_b, sim))
    out.sort(key=lambda p: (-p[2], p[0], p[1]))
    return [(a, b, round(sim, 2)) for a, b, sim in out]


def matches(
    text: str, others: Iterable[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[str, float]]:
    """The on-save check once the candidates are known (from the stored band keys, see
    `Sketch.band_keys`): the (code, similarity rounded to 2 decimals) of the `others`
    whose exact `similarity` to `text` ≥ threshold, most similar first, then by code."""
    own = content_shingles(text)
    found = []
    for code, other in others:
        value = _jaccard(own, content_shingles(other))
        if value >= threshold:
            found.append((code, value))
    found.sort(key=lambda p: (-p[1], p[0]))
    return [(code, round(value, 2)) for code, value in found]


# -- highlighting --------------------------------------------------------------------------


def _normalize_mapped(text: str) -> tuple[np.ndarray, list[int], list[int]]:
    """`_codes`, character cluster by cluster (a character and its combining marks), with
    the original [start, end) of the cluster each code came from."""
    codes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        kept = [0] if text[i] in _LINE_BREAKS else [ord(c) for c in normalize(text[i:j])]
        codes.extend(kept)
        starts.extend([i] * len(kept))
        ends.extend([j] * len(kept))
        i = j
    return np.array(codes, dtype=np.uint64), starts, ends


def _covered(length: int, at: np.ndarray) -> np.ndarray:
    """Mask of the `length` codes covered by shingles starting at `at`."""
    depth = np.zeros(length + 1, dtype=np.int64)
    np.add.at(depth, at, 1)
    np.add.at(depth, at + K, -1)
    return np.cumsum(depth[:-1]) > 0


def _isin(h: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set):
        return np.zeros(len(h), dtype=bool)
    found = np.searchsorted(sorted_set, h)
    return sorted_set[np.minimum(found, len(sorted_set) - 1)] == h


def _spans(text: str, shared: np.ndarray, content: np.ndarray) -> list[tuple[int, int]]:
    codes, starts, ends = _normalize_mapped(text)
    at, h = _shingle_hashes(codes)
    if not len(h) or not len(content):
        return []
    covered = _covered(len(codes), at[_isin(h, shared)])
    own = _covered(len(codes), at[_isin(h, content)])
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    spans: list[tuple[int, int]] = []
    for first, last in zip(edges[::2], edges[1::2] - 1, strict=True):
        if not own[first : last + 1].any():
            continue  # formulas only
        start, end = starts[first], ends[last]
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def shared_passages(
    a_text: str, b_text: str
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The passages the two texts share, for highlighting them side by side: for each
    ORIGINAL text, sorted, disjoint [start, end) character ranges covered by shingles
    found in both texts, keeping only the passages that hold a shared content shingle (a
    formula inside a copied passage is highlighted with it, a formula alone is not;
    punctuation inside a passage is covered)."""

    def every(text):
        h = _shingle_hashes(_codes(text))[1]
        return np.unique(h)

    shared = np.intersect1d(every(a_text), every(b_text), assume_unique=True)
    content = shared[_not_stock(shared)]
    return _spans(a_text, shared, content), _spans(b_text, shared, content)
