"""Research conflicts (扎堆、多头、重复调研, LEDGERS.md §2): a pure engine, no database, no
Django.

Over research trips that are not 已取消, three kinds of finding, each reported separately
(one pair of trips may appear under several kinds):

- `crowding` 扎堆调研: same target (调研对象编码), different trip leader (调研领导), and
  `gap(a, b) < window` (default 7 days, strict: a gap of exactly 7 days is not crowding).
  `gap` is the later start minus the earlier end, 0 if the trips overlap:
  max(0, max(starts) - min(ends)).
- `multi_head` 多头调研: same target, different topics (选题) of the same category (类型)
  whose topic leads (牵头领导) differ, at any time.
- `duplicate` 重复调研: same topic and same target, two or more trips.

Trips linked by pairs of one kind at one target form one finding: a connected group of at
least 2 trips. Findings are sorted by kind, target and first trip code; each finding's
trip codes are sorted. `brute_force` is the definition (every pair, then the connected
groups); `findings` computes the same list without comparing every pair:

- Trips are grouped by target (every kind links trips of one target only).
- `duplicate`: the trips of one (target, topic) are all pairwise linked: one finding per
  (target, topic) with ≥ 2 trips.
- `multi_head`: within one (target, category), a trip is a *cell* (topic, topic lead) and
  two trips are linked iff their cells differ in both coordinates; trips of one cell have
  the same neighbours, so a group is made of whole cells (the trips of a cell with no
  neighbour are linked to nothing, not even to each other). With topic → lead functional
  (one lead per topic, as stored) this is "≥ 2 distinct leads: every trip of the category
  at the target in one finding, else none". In general (the engine takes any data): there
  is an edge iff ≥ 2 topics and ≥ 2 leads are present; take one, P–Q. Every other cell
  is adjacent to P or to Q except X = (topic P, lead Q) and Y = (topic Q, lead P), so the
  other cells form one group M. X joins M iff some cell of M differs from X in both
  coordinates, likewise Y; if one of them joins, so does the other (X and Y are
  adjacent); if neither does and both exist, {X, Y} is a second group (the 2 × 2 case:
  (t1, l1)–(t2, l2) and (t1, l2)–(t2, l1)). Linear in the trips.
- `crowding`: per target, trips in order of start time, a sweep with a heap of the ends
  of the active trips; a trip leaves when `start - end >= window` for the current start
  (then for every later one). A new trip b of leader l is linked to every active trip of
  another leader. Active trips are kept per leader: a group's `hubbed` members are known
  to be in one component (whose handle is `rep`), its `pending` members are not yet. b
  joins each other leader's `rep` (if that leader still has an active hubbed member) and
  each of its pending members, which then become hubbed, with b as the new handle; b
  itself is pending in its own leader's group. Union-find over the trips (others' roots
  hung under b, a fresh root; consecutive groups sharing b's predecessor as handle merged
  once); each trip is flushed from pending once, so the cost is O(n log n + Σ over the
  trips of the distinct leaders active at their start) — 100,000 trips in ~0.55 s
  (bench/research.py).
  Trips whose end precedes their own start by `window` or more can crowd nothing
  (`gap` ≥ their own start minus end) and are skipped; so are all trips when
  `window <= 0`.

Datetimes are compared and subtracted as given (timezone-aware in the platform, Asia/
Shanghai); naive and aware ones must not be mixed. Trip codes (调研编号) are unique: two
live trips with one code are a ValueError in `findings` and `brute_force`.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

KINDS = ("crowding", "duplicate", "multi_head")
LABELS = {"crowding": "扎堆调研", "multi_head": "多头调研", "duplicate": "重复调研"}
DEFAULT_WINDOW = timedelta(days=7)
ZERO = timedelta(0)


@dataclass(frozen=True)
class Trip:
    code: str
    topic: str
    category: str
    topic_lead: str
    leader: str
    target: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False


@dataclass(frozen=True)
class Finding:
    kind: str
    target: str
    trips: tuple[str, ...]

    def as_json(self) -> dict:
        return {"kind": self.kind, "target": self.target, "trips": list(self.trips)}


def gap(a: Trip, b: Trip) -> timedelta:
    """The later start minus the earlier end, 0 if the trips overlap (or touch)."""
    return max(ZERO, max(a.starts_at, b.starts_at) - min(a.ends_at, b.ends_at))


def pair_kinds(a: Trip, b: Trip, *, window: timedelta = DEFAULT_WINDOW) -> list[str]:
    """The kinds of finding the pair (a, b) forms, in KINDS order; cancelled trips and a
    trip with itself (one code) form none."""
    if a.cancelled or b.cancelled or a.code == b.code or a.target != b.target:
        return []
    kinds = []
    if a.leader != b.leader and gap(a, b) < window:
        kinds.append("crowding")
    if a.topic == b.topic:
        kinds.append("duplicate")
    elif a.category == b.category and a.topic_lead != b.topic_lead:
        kinds.append("multi_head")
    return kinds


def _live(trips: Iterable[Trip]) -> list[Trip]:
    live = [t for t in trips if not t.cancelled]
    codes = set()
    for t in live:
        if t.code in codes:
            raise ValueError(f"调研编号 {t.code} 重复")
        codes.add(t.code)
    return live


def _finding(kind: str, target: str, trips: Iterable[Trip]) -> Finding:
    return Finding(kind, target, tuple(sorted(t.code for t in trips)))


def _sorted(found: list[Finding]) -> list[Finding]:
    return sorted(found, key=lambda f: (f.kind, f.target, f.trips))


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[rj] = ri

    def groups(self, members: Iterable[int]) -> list[list[int]]:
        by_root: dict[int, list[int]] = defaultdict(list)
        for i in members:
            by_root[self.find(i)].append(i)
        return [g for g in by_root.values() if len(g) > 1]


def brute_force(trips: Iterable[Trip], *, window: timedelta = DEFAULT_WINDOW) -> list[Finding]:
    """The reference: every pair of live trips, then the connected groups per kind."""
    live = _live(trips)
    n = len(live)
    sets = {kind: _UnionFind(n) for kind in KINDS}
    for i in range(n):
        for j in range(i + 1, n):
            for kind in pair_kinds(live[i], live[j], window=window):
                sets[kind].union(i, j)
    found = []
    for kind, uf in sets.items():
        for group in uf.groups(range(n)):
            found.append(_finding(kind, live[group[0]].target, (live[i] for i in group)))
    return _sorted(found)


@dataclass
class _Leader:
    """One leader's active trips at a target, during the crowding sweep."""

    active: int = 0
    hubbed: int = 0  # active members known to be in the component of `rep`
    rep: int = -1
    pending: list[int] = field(default_factory=list)


def _crowding(trips: list[Trip], window: timedelta) -> list[list[Trip]]:
    """The crowding groups among the trips of one target (see the module docstring)."""
    if window <= ZERO or len(trips) < 2:
        return []
    order = sorted(
        (t.starts_at, i) for i, t in enumerate(trips) if t.starts_at - t.ends_at < window
    )
    uf = _UnionFind(len(trips))
    find, parent = uf.find, uf.parent
    hubbed = [False] * len(trips)
    expired = [False] * len(trips)
    heap: list[tuple[datetime, int]] = []
    leaders: dict[str, _Leader] = {}
    for start, b in order:
        while heap and start - heap[0][0] >= window:
            _, a = heapq.heappop(heap)
            expired[a] = True
            group = leaders[trips[a].leader]
            group.active -= 1
            if hubbed[a]:
                group.hubbed -= 1
            if not group.active:
                del leaders[trips[a].leader]
        own = trips[b].leader
        merged = -1  # the last handle merged: after a sweep step most groups share one
        for name, group in leaders.items():  # b is new, a root: others' roots go under it
            if name == own:
                continue
            if group.hubbed and group.rep != merged:
                merged = group.rep
                root = find(merged)
                if root != b:
                    parent[root] = b
            for a in group.pending:
                if not expired[a]:
                    root = find(a)
                    if root != b:
                        parent[root] = b
                    hubbed[a] = True
                    group.hubbed += 1
            group.pending.clear()
            group.rep = b
        group = leaders.get(own)
        if group is None:
            group = leaders[own] = _Leader()
        group.active += 1
        group.pending.append(b)
        heapq.heappush(heap, (trips[b].ends_at, b))
    return [[trips[i] for i in g] for g in uf.groups(i for _, i in order)]


def _multi_head(trips: list[Trip]) -> list[list[Trip]]:
    """The multi-head groups among the trips of one target and one category."""
    cells: dict[tuple[str, str], list[Trip]] = defaultdict(list)
    for t in trips:
        cells[(t.topic, t.topic_lead)].append(t)
    if len({topic for topic, _ in cells}) < 2 or len({lead for _, lead in cells}) < 2:
        return []  # no two cells differ in both coordinates
    p = next(iter(cells))
    q = next((c for c in cells if c[0] != p[0] and c[1] != p[1]), None)
    if q is None:  # every cell shares p's topic or p's lead: one of each exists
        b = next(c for c in cells if c[0] != p[0])  # (other topic, lead p)
        c = next(c for c in cells if c[1] != p[1])  # (topic p, other lead)
        p, q = b, c
    x, y = (p[0], q[1]), (q[0], p[1])
    main = [c for c in cells if c != x and c != y]

    def joins(cell: tuple[str, str]) -> bool:
        return cell in cells and any(c[0] != cell[0] and c[1] != cell[1] for c in main)

    groups = []
    if joins(x) or joins(y):
        main += [c for c in (x, y) if c in cells]
    elif x in cells and y in cells:
        groups.append(cells[x] + cells[y])
    groups.append([t for c in main for t in cells[c]])
    return groups


def findings(trips: Iterable[Trip], *, window: timedelta = DEFAULT_WINDOW) -> list[Finding]:
    """The findings of LEDGERS.md §2 over `trips` (cancelled ones ignored), equal to
    `brute_force(trips, window=window)`, in O(n log n) for realistic data."""
    by_target: dict[str, list[Trip]] = defaultdict(list)
    for t in _live(trips):
        by_target[t.target].append(t)
    found = []
    for target, here in by_target.items():
        if len(here) < 2:
            continue
        for group in _crowding(here, window):
            found.append(_finding("crowding", target, group))
        by_topic: dict[str, list[Trip]] = defaultdict(list)
        by_category: dict[str, list[Trip]] = defaultdict(list)
        for t in here:
            by_topic[t.topic].append(t)
            by_category[t.category].append(t)
        for same in by_topic.values():
            if len(same) > 1:
                found.append(_finding("duplicate", target, same))
        for same in by_category.values():
            if len(same) > 1:
                for group in _multi_head(same):
                    found.append(_finding("multi_head", target, group))
    return _sorted(found)


def conflicts_of(
    trip: Trip, others: Iterable[Trip], *, window: timedelta = DEFAULT_WINDOW
) -> list[tuple[str, Trip]]:
    """The (kind, other trip) pairs `trip` forms with `others` — the live check of a trip
    being registered or edited against the stored trips at its target or of its topic —
    sorted by kind then the other's code. Cancelled trips (`trip` included) and the stored
    version of `trip` itself (its code) form none."""
    pairs = [(kind, o) for o in others for kind in pair_kinds(trip, o, window=window)]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1].code))


def _blocked(trip: Trip, others: Iterable[Trip], window: timedelta) -> list[tuple]:
    """The open intervals of start times at which a trip of `trip`'s duration at its
    target would crowd another leader's live trip: (s_o - window - duration, e_o + window),
    from `gap < window` ⟺ s' - e_o < window, s_o - e' < window, and each trip's own start
    minus end under the window."""
    duration = trip.ends_at - trip.starts_at
    if window <= ZERO or -duration >= window:
        return []
    intervals = []
    for o in others:
        if (
            o.cancelled
            or o.code == trip.code
            or o.target != trip.target
            or o.leader == trip.leader
            or o.starts_at - o.ends_at >= window
        ):
            continue
        intervals.append((o.starts_at - window - duration, o.ends_at + window))
    return intervals


def free_days(
    trip: Trip,
    others: Iterable[Trip],
    *,
    window: timedelta = DEFAULT_WINDOW,
    around: date,
    count: int = 3,
) -> list[date]:
    """The `count` start dates nearest to `around` (either side; `around` itself included;
    at equal distance the earlier first) on which `trip` — moved to start that day at its
    start time of day, same duration, same target and leader — would crowd no other
    leader's live trip among `others` (the stored trips at the target; `trip`'s own stored
    version, by code, is ignored, and so is `trip.cancelled`: the question is where it
    could go). Returned in calendar order. Only crowding depends on the date."""
    if count <= 0:
        return []
    merged: list[list] = []  # disjoint open intervals, by start; touching ones kept apart
    for low, high in sorted(_blocked(trip, others, window)):
        if merged and low < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    lows = [low for low, _ in merged]
    clock = trip.starts_at.timetz()

    def free(day: date) -> bool:
        start = datetime.combine(day, clock)
        i = bisect.bisect_left(lows, start) - 1  # the last interval opening before start
        return i < 0 or start >= merged[i][1]

    days: list[date] = [around] if free(around) else []
    step = 1
    while len(days) < count:
        for sign in (-1, 1):
            try:
                day = around + sign * timedelta(days=step)
            except OverflowError:
                continue
            if len(days) < count and free(day):
                days.append(day)
        step += 1
    return sorted(days)


__all__ = [
    "DEFAULT_WINDOW",
    "KINDS",
    "LABELS",
    "Finding",
    "Trip",
    "brute_force",
    "conflicts_of",
    "findings",
    "free_days",
    "gap",
    "pair_kinds",
]
