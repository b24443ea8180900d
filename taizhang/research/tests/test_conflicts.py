"""The research-conflict engine (扎堆、多头、重复调研, LEDGERS.md §2): no database.

`findings` against `brute_force` on generated trips (few targets, topics, leaders and
categories, start times on a 12-hour grid give or take a second, so that gaps of exactly
7 days and of 7 days minus a second occur), against a spec written here from the
contract's words, and hand-written cases of each kind."""

import datetime as dt
import random
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.research.conflicts import (
    DEFAULT_WINDOW,
    Finding,
    Trip,
    brute_force,
    conflicts_of,
    findings,
    free_days,
    gap,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = dt.datetime(2024, 3, 1, tzinfo=SHANGHAI)
HALF_DAY = dt.timedelta(hours=12)
SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)

TARGETS = ["QSH-A-1", "QSH-B", "91360111MA35G0XX0K"]
TOPICS = ["XT-01", "XT-02", "XT-03", "XT-04"]
CATEGORIES = ["LX-DJ", "LX-JJ"]
PEOPLE = ["L-1", "L-2", "L-3"]
WINDOWS = [WEEK, DAY, HALF_DAY, dt.timedelta(days=3, seconds=1), dt.timedelta(0), -DAY]


def at(day: int, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    """March `day` 2024, Asia/Shanghai."""
    return dt.datetime(2024, 3, day, hour, minute, second, tzinfo=SHANGHAI)


def trip(code, *, topic="XT-01", category="LX-DJ", lead="L-9", leader="L-1", target="QSH-A-1",
         starts=None, ends=None, cancelled=False):  # fmt: skip
    starts = starts or at(1)
    return Trip(code, topic, category, lead, leader, target, starts, ends or starts, cancelled)


# -- generated trips ----------------------------------------------------------------------

starts_st = st.builds(
    lambda k, s: BASE + k * HALF_DAY + s * SECOND,
    st.integers(0, 40),
    st.sampled_from([0, 0, 0, 1, -1]),
)
durations_st = st.one_of(
    st.builds(lambda m, s: m * HALF_DAY - s * SECOND, st.integers(1, 6), st.sampled_from([0, 1])),
    st.just(dt.timedelta(0)),  # zero-length trips
    st.sampled_from([-SECOND, -DAY, -9 * DAY]),  # ends before it starts: still defined
)


@st.composite
def trip_lists(draw, *, functional=False, size=24):
    """Up to `size` trips with unique codes (numbered so that their string order is not
    their creation order). `functional`: topic → (category, lead) as stored; otherwise
    independent, so that every combination of the multi-head cells occurs."""
    n = draw(st.integers(0, size))
    topic_of = {
        t: (draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(PEOPLE))) for t in TOPICS
    }
    trips = []
    for i in range(n):
        topic = draw(st.sampled_from(TOPICS))
        if functional:
            category, lead = topic_of[topic]
        else:
            category, lead = draw(st.sampled_from(CATEGORIES)), draw(st.sampled_from(PEOPLE))
        starts = draw(starts_st)
        trips.append(
            Trip(
                code=f"DY-{(i * 37) % 101}",
                topic=topic,
                category=category,
                topic_lead=lead,
                leader=draw(st.sampled_from(PEOPLE)),
                target=draw(st.sampled_from(TARGETS)),
                starts_at=starts,
                ends_at=starts + draw(durations_st),
                cancelled=draw(st.booleans()) and draw(st.booleans()),  # 1 in 4
            )
        )
    return trips


def spec_kinds(a: Trip, b: Trip, window=WEEK) -> set[str]:
    """The contract's words, pair by pair, written independently of the engine."""
    if a.cancelled or b.cancelled or a.target != b.target or a is b:
        return set()
    first, second = sorted([a, b], key=lambda t: t.starts_at)
    later_start = second.starts_at
    earlier_end = min(a.ends_at, b.ends_at)
    kinds = set()
    if a.leader != b.leader and max(dt.timedelta(0), later_start - earlier_end) < window:
        kinds.add("crowding")
    if a.topic != b.topic and a.category == b.category and a.topic_lead != b.topic_lead:
        kinds.add("multi_head")
    if a.topic == b.topic:
        kinds.add("duplicate")
    return kinds


def spec_findings(trips, window=WEEK) -> list[Finding]:
    """Connected groups by a graph search over the spec's pairs."""
    out = []
    for kind in ("crowding", "duplicate", "multi_head"):
        seen = set()
        for start in trips:
            if id(start) in seen or start.cancelled:
                continue
            group, todo = [], [start]
            seen.add(id(start))
            while todo:
                t = todo.pop()
                group.append(t)
                for o in trips:
                    if id(o) not in seen and kind in spec_kinds(t, o, window):
                        seen.add(id(o))
                        todo.append(o)
            if len(group) > 1:
                out.append(Finding(kind, start.target, tuple(sorted(t.code for t in group))))
    return sorted(out, key=lambda f: (f.kind, f.target, f.trips))


def well_formed(found: list[Finding]) -> None:
    assert found == sorted(found, key=lambda f: (f.kind, f.target, f.trips[0]))
    for f in found:
        assert len(f.trips) >= 2 and list(f.trips) == sorted(f.trips)
    for kind, target in {(f.kind, f.target) for f in found}:
        codes = [c for f in found if (f.kind, f.target) == (kind, target) for c in f.trips]
        assert len(codes) == len(set(codes))  # groups of one kind are disjoint


@settings(max_examples=400, deadline=None)
@given(trip_lists())
def test_findings_equal_brute_force(trips):
    fast = findings(trips)
    assert fast == brute_force(trips)
    assert fast == spec_findings(trips)
    well_formed(fast)


@settings(max_examples=200, deadline=None)
@given(trip_lists(functional=True, size=30))
def test_findings_equal_brute_force_topics_as_stored(trips):
    assert findings(trips) == brute_force(trips)


@settings(max_examples=300, deadline=None)
@given(trip_lists(), st.sampled_from(WINDOWS))
def test_custom_windows(trips, window):
    fast = findings(trips, window=window)
    assert fast == brute_force(trips, window=window) == spec_findings(trips, window)
    if window <= dt.timedelta(0):
        assert not [f for f in fast if f.kind == "crowding"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(PEOPLE)), max_size=60))
def test_one_target_crowded_sweep(specs):
    """Many trips at one target, one topic each, 0–1 day long: the crowding sweep alone."""
    trips = [
        trip(
            f"DY-{i:02d}",
            topic=f"XT-{i}",
            leader=leader,
            starts=BASE + k * HALF_DAY,
            ends=BASE + k * HALF_DAY + (i % 3) * HALF_DAY,
        )  # fmt: skip
        for i, (k, leader) in enumerate(specs)
    ]
    fast = [f for f in findings(trips) if f.kind == "crowding"]
    assert fast == [f for f in brute_force(trips) if f.kind == "crowding"]


@given(trip_lists())
@settings(max_examples=100, deadline=None)
def test_cancelled_trips_are_ignored(trips):
    live = [t for t in trips if not t.cancelled]
    assert findings(trips) == findings(live)
    codes = {c for f in findings(trips) for c in f.trips}
    assert not codes & {t.code for t in trips if t.cancelled}


@settings(max_examples=200, deadline=None)
@given(trip_lists(), st.sampled_from(WINDOWS[:4]))
def test_conflicts_of_are_the_neighbours_of_brute_force(trips, window):
    found = findings(trips, window=window)
    finding_of = {(f.kind, c): f for f in found for c in f.trips}
    for t in trips:
        pairs = conflicts_of(t, trips, window=window)
        expected = sorted(
            ((kind, o) for o in trips for kind in spec_kinds(t, o, window)),
            key=lambda p: (p[0], p[1].code),
        )
        assert pairs == expected
        assert all(o.code != t.code for _, o in pairs)
        for kind, o in pairs:  # a pair lies inside one finding of its kind
            assert finding_of[(kind, t.code)] is finding_of[(kind, o.code)]
        for kind in ("crowding", "duplicate", "multi_head"):  # a member has a neighbour
            if (kind, t.code) in finding_of:
                assert any(k == kind for k, _ in pairs)


def moved(t: Trip, day: dt.date) -> Trip:
    starts = dt.datetime.combine(day, t.starts_at.timetz())
    return replace(t, starts_at=starts, ends_at=starts + (t.ends_at - t.starts_at))


def crowds(t: Trip, others, window) -> bool:
    return any(kind == "crowding" for kind, _ in conflicts_of(replace(t, cancelled=False),
                                                              others, window=window))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    trip_lists(size=20),
    st.integers(0, 19),
    st.integers(-5, 30),
    st.integers(1, 6),
    st.sampled_from(WINDOWS[:4]),
)
def test_free_days_are_free_and_nearest(trips, pick, offset, count, window):
    if not trips:
        return
    t = trips[pick % len(trips)]
    around = BASE.date() + dt.timedelta(days=offset)
    days = free_days(t, trips, window=window, around=around, count=count)
    assert len(days) == count and days == sorted(set(days))
    for day in days:
        assert not crowds(moved(t, day), trips, window)
    reach = max(abs((d - around).days) for d in days)
    span = [around + dt.timedelta(days=k) for k in range(-reach, reach + 1)]
    free = [d for d in span if not crowds(moved(t, d), trips, window)]
    nearest = sorted(free, key=lambda d: (abs((d - around).days), d))[:count]
    assert days == sorted(nearest)


# -- hand-written cases -------------------------------------------------------------------


def test_gap():
    assert DEFAULT_WINDOW == WEEK
    a = trip("A", starts=at(1), ends=at(3, 17))
    assert gap(a, trip("B", starts=at(10, 17), ends=at(11))) == dt.timedelta(days=7)
    assert gap(trip("B", starts=at(10, 17), ends=at(11)), a) == dt.timedelta(days=7)
    assert gap(a, trip("C", starts=at(2), ends=at(2, 12))) == dt.timedelta(0)  # inside
    assert gap(a, trip("D", starts=at(3, 17), ends=at(4))) == dt.timedelta(0)  # touching
    utc = trip("E", starts=at(5, 9).astimezone(dt.UTC), ends=at(5, 10).astimezone(dt.UTC))
    assert gap(a, utc) == dt.timedelta(days=1, hours=16)  # aware datetimes, any zone


def test_crowding_two_leaders_within_seven_days():
    """扎堆调研: 两位领导在 7 天内先后到同一单位调研（间隔恰好 7 天不算）。"""
    a = trip("DY-1", leader="L-1", topic="XT-01", starts=at(1), ends=at(2, 17))
    near = trip("DY-2", leader="L-2", topic="XT-02", starts=at(9, 16, 59, 59), ends=at(9, 18))
    exact = trip("DY-3", leader="L-3", topic="XT-03", starts=at(9, 17), ends=at(9, 18))
    assert gap(a, near) == WEEK - SECOND and gap(a, exact) == WEEK
    assert findings([a, near]) == [Finding("crowding", "QSH-A-1", ("DY-1", "DY-2"))]
    assert findings([a, exact]) == []
    assert findings([a, exact], window=WEEK + SECOND) == [
        Finding("crowding", "QSH-A-1", ("DY-1", "DY-3"))
    ]
    same_leader = replace(near, leader="L-1")
    elsewhere = replace(near, target="QSH-B")
    assert findings([a, same_leader]) == findings([a, elsewhere]) == []
    overlapping = trip("DY-4", leader="L-2", topic="XT-04", starts=at(2), ends=at(2, 12))
    assert findings([a, overlapping])[0].trips == ("DY-1", "DY-4")


def test_crowding_chains_and_same_leader_through_another():
    """A group is connected, not a clique: two trips of one leader joined by another
    leader's trip near both; a chain of visits a week apart each."""
    a1 = trip("DY-1", leader="L-1", topic="XT-01", starts=at(1))
    a2 = trip("DY-2", leader="L-1", topic="XT-02", starts=at(3))
    b = trip("DY-3", leader="L-2", topic="XT-03", starts=at(4))
    assert findings([a1, a2, b]) == [Finding("crowding", "QSH-A-1", ("DY-1", "DY-2", "DY-3"))]
    chain = [
        trip(f"DY-{i}", leader=f"L-{i % 2}", topic=f"XT-{i}", starts=at(1 + 6 * i))
        for i in range(5)
    ]
    assert findings(chain) == [Finding("crowding", "QSH-A-1", tuple(f"DY-{i}" for i in range(5)))]
    broken = [*chain[:2], *(replace(t, starts_at=t.starts_at + DAY * 2) for t in chain[2:])]
    broken = [replace(t, ends_at=t.starts_at) for t in broken]
    assert [f.trips for f in findings(broken)] == [("DY-0", "DY-1"), ("DY-2", "DY-3", "DY-4")]


def test_multi_head_different_topics_same_category_different_leads():
    """多头调研: 同一类型的不同选题、牵头领导不同，到同一单位调研，不论相隔多久。"""
    a = trip("DY-1", topic="XT-01", category="LX-DJ", lead="L-8", starts=at(1))
    b = trip("DY-2", topic="XT-02", category="LX-DJ", lead="L-9",
             starts=at(1) + dt.timedelta(days=300))  # fmt: skip
    assert findings([a, b]) == [Finding("multi_head", "QSH-A-1", ("DY-1", "DY-2"))]
    assert findings([a, replace(b, topic_lead="L-8")]) == []  # one lead: one head
    assert findings([a, replace(b, category="LX-JJ")]) == []  # another category
    assert findings([a, replace(b, target="QSH-B")]) == []
    c = trip("DY-3", topic="XT-03", category="LX-DJ", lead="L-8", starts=at(20))
    # c shares a's lead but not b's: one finding of the three
    assert findings([a, b, c]) == [Finding("multi_head", "QSH-A-1", ("DY-1", "DY-2", "DY-3"))]


def test_multi_head_two_by_two_is_two_findings():
    """Two topics each found with two leads (inconsistent data): (t1, l1)–(t2, l2) and
    (t1, l2)–(t2, l1) are linked, and nothing else is."""
    cells = [("XT-01", "L-8"), ("XT-02", "L-9"), ("XT-01", "L-9"), ("XT-02", "L-8")]
    trips = [trip(f"DY-{i}", topic=t, lead=lead, starts=at(1 + 9 * i))
             for i, (t, lead) in enumerate(cells)]  # fmt: skip
    assert findings(trips) == [
        Finding("duplicate", "QSH-A-1", ("DY-0", "DY-2")),
        Finding("duplicate", "QSH-A-1", ("DY-1", "DY-3")),
        Finding("multi_head", "QSH-A-1", ("DY-0", "DY-1")),
        Finding("multi_head", "QSH-A-1", ("DY-2", "DY-3")),
    ]
    assert findings(trips) == brute_force(trips)


def test_duplicate_same_topic_same_target():
    """重复调研: 同一选题两次以上到同一单位调研（同一领导、相隔很久也算）。"""
    a = trip("DY-1", topic="XT-01", starts=at(1))
    b = trip("DY-2", topic="XT-01", starts=at(1) + dt.timedelta(days=200))
    c = trip("DY-3", topic="XT-01", starts=at(1) + dt.timedelta(days=250), target="QSH-B")
    assert findings([a, b, c]) == [Finding("duplicate", "QSH-A-1", ("DY-1", "DY-2"))]
    assert findings([a, replace(b, cancelled=True), c]) == []


def test_one_pair_under_several_kinds():
    a = trip("DY-1", topic="XT-01", leader="L-1", starts=at(1))
    b = trip("DY-2", topic="XT-01", leader="L-2", starts=at(3))
    assert [f.kind for f in findings([a, b])] == ["crowding", "duplicate"]


def test_output_order_and_json():
    trips = [
        trip("DY-9", topic="XT-01", target="QSH-B", leader="L-1", starts=at(1)),
        trip("DY-10", topic="XT-02", target="QSH-B", leader="L-2", lead="L-7", starts=at(2)),
        trip("DY-2", topic="XT-01", target="QSH-A", starts=at(1)),
        trip("DY-11", topic="XT-01", target="QSH-A", starts=at(25)),
        trip("DY-3", topic="XT-01", target="QSH-B", starts=at(28)),
    ]
    found = findings(trips)
    assert [f.as_json() for f in found] == [
        {"kind": "crowding", "target": "QSH-B", "trips": ["DY-10", "DY-9"]},
        {"kind": "duplicate", "target": "QSH-A", "trips": ["DY-11", "DY-2"]},
        {"kind": "duplicate", "target": "QSH-B", "trips": ["DY-3", "DY-9"]},
        {"kind": "multi_head", "target": "QSH-B", "trips": ["DY-10", "DY-3", "DY-9"]},
    ]
    assert found == brute_force(reversed(trips))


def test_duplicate_codes_are_refused_but_cancelled_ones_ignored():
    a = trip("DY-1")
    with pytest.raises(ValueError):
        findings([a, replace(a, topic="XT-02")])
    assert findings([a, replace(a, cancelled=True)]) == []


def test_conflicts_of_a_trip_being_edited():
    stored = [
        trip("DY-1", topic="XT-01", leader="L-1", starts=at(1)),
        trip("DY-2", topic="XT-02", leader="L-2", lead="L-7", starts=at(20)),
        trip("DY-3", topic="XT-01", leader="L-2", starts=at(5), cancelled=True),
    ]
    edited = trip("DY-1", topic="XT-01", leader="L-3", starts=at(15))  # DY-1 moved
    assert [(k, o.code) for k, o in conflicts_of(edited, stored)] == [
        ("crowding", "DY-2"),
        ("multi_head", "DY-2"),
    ]
    assert conflicts_of(replace(edited, cancelled=True), stored) == []


def test_free_days_hand_case():
    """Another leader visits on March 10 (09:00–17:00); a trip from 09:00 to 17:00 the next
    day crowds it when it starts in (March 2 01:00, March 17 17:00): it must end 7 days
    before (March 1 at 09:00 ends March 2 17:00) or start 7 days after (March 18 09:00;
    March 17 09:00 is 6 days 16 hours after)."""
    other = trip("DY-1", leader="L-2", starts=at(10), ends=at(10, 17))
    mine = trip("DY-2", leader="L-1", topic="XT-02", starts=at(12), ends=at(13, 17))
    assert free_days(mine, [other], around=dt.date(2024, 3, 12)) == [
        dt.date(2024, 3, 18),
        dt.date(2024, 3, 19),
        dt.date(2024, 3, 20),
    ]
    assert free_days(mine, [other], around=dt.date(2024, 3, 8), count=2) == [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 1),
    ]
    # around March 10: March 1 is 9 days back, March 18 only 8 forward
    assert free_days(mine, [other], around=dt.date(2024, 3, 10), count=1) == [dt.date(2024, 3, 18)]
    # the same leader, a cancelled trip, another target and the trip itself crowd nothing
    harmless = [replace(other, leader="L-1"), replace(other, code="DY-3", cancelled=True),
                replace(other, code="DY-4", target="QSH-B"), replace(mine, starts_at=at(11))]  # fmt: skip
    assert free_days(mine, harmless, around=dt.date(2024, 3, 10), count=3) == [
        dt.date(2024, 3, 9),
        dt.date(2024, 3, 10),
        dt.date(2024, 3, 11),
    ]


def test_findings_equal_brute_force_on_dense_trips():
    """Denser than hypothesis draws: 200 trips at 4 targets over 60 days."""
    rng = random.Random(7)
    trips = []
    for i in range(200):
        starts = BASE + rng.randrange(120) * HALF_DAY
        topic = rng.choice(TOPICS + ["XT-05", "XT-06"])
        trips.append(
            Trip(
                f"DY-{i:03d}",
                topic,
                CATEGORIES[int(topic[-1]) % 2],
                rng.choice(PEOPLE),
                rng.choice(PEOPLE + ["L-4", "L-5"]),
                rng.choice(TARGETS + ["QSH-C"]),
                starts,
                starts + rng.randrange(5) * HALF_DAY,
                rng.random() < 0.05,
            )  # fmt: skip
        )
    assert findings(trips) == brute_force(trips)
    assert {f.kind for f in findings(trips)} == {"crowding", "duplicate", "multi_head"}


def test_free_days_exactly_seven_days_from_both_neighbours():
    """A same-day visit exactly 7 days after one leader's and 7 days before another's
    crowds neither: the one free instant between two blocked stretches."""
    first = trip("DY-1", leader="L-2", starts=at(1))
    last = trip("DY-3", leader="L-3", topic="XT-03", starts=at(15))
    mine = trip("DY-2", leader="L-1", topic="XT-02", starts=at(20))
    assert free_days(mine, [first, last], around=dt.date(2024, 3, 8), count=1) == [
        dt.date(2024, 3, 8)
    ]
    assert free_days(replace(mine, starts_at=at(20, 9, 0, 1), ends_at=at(20, 9, 0, 1)),
                     [first, last], around=dt.date(2024, 3, 8), count=1) != [dt.date(2024, 3, 8)]  # fmt: skip
