"""Research: the live conflict check of trips being written (LEDGERS.md §2, through the
pure engine in conflicts.py), and a leader's calendar feed."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from taizhang.core.audit import audit_record
from taizhang.orgs.models import Person

from .conflicts import Trip, conflicts_of, free_days
from .models import LeaderFeed, ResearchCategory, ResearchTopic, ResearchTrip, TripStatus

DEFAULT_CATEGORIES = [
    "经济发展",
    "城市建设",
    "乡村振兴",
    "民生保障",
    "营商环境",
    "基层治理",
    "生态环保",
    "安全生产",
    "教育卫生",
    "文化旅游",
    "党的建设",
    "作风建设",
]
KIND_WORDS = {"crowding": "扎堆调研", "multi_head": "多头调研", "duplicate": "重复调研"}


def window() -> dt.timedelta:
    return dt.timedelta(days=settings.RESEARCH_CROWDING_DAYS)


def _day(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.month}月{local.day}日"


TRIP_FIELDS = (
    "code",
    "topic__code",
    "topic__category__code",
    "topic__lead__code",
    "leader__code",
    "target",
    "starts_at",
    "ends_at",
)
NAMED = 20  # other trips of one kind a warning looks at (it names a few)
WORDS_PER_KIND = 5  # findings of one kind spelled out on a form


def _live_trips(exclude):
    return (
        ResearchTrip.objects.filter(archived_at=None)
        .exclude(status=TripStatus.CANCELLED)
        .exclude(code__in=list(exclude))
    )


def trips_near(trip: Trip, exclude=()) -> list[Trip]:
    """The stored trips `trip` could form a finding with, read through the index on the
    target: those close enough in time to crowd it (and a month around, for free days),
    and a few of its topic (重复) and of its category under another lead (多头)."""
    at_target = _live_trips(exclude).filter(target=trip.target)
    margin = window() + dt.timedelta(days=31)
    close = at_target.filter(
        starts_at__lt=trip.ends_at + margin, ends_at__gt=trip.starts_at - margin
    )
    same_topic = at_target.filter(topic__code=trip.topic).order_by("-starts_at")[:NAMED]
    other_lead = (
        at_target.filter(topic__category__code=trip.category)
        .exclude(topic__lead__code=trip.topic_lead)
        .order_by("-starts_at")[:NAMED]
    )
    found = {}
    for queryset in (close, same_topic, other_lead):
        for row in queryset.values_list(*TRIP_FIELDS):
            found[row[0]] = Trip(*row)
    return list(found.values())


FORM_ROWS = 20  # up to this many rows (a form, a short file) are told trip by trip


def trip_warnings(rows, ctx) -> list[tuple[int, str, str]]:
    """The findings each trip being written would create or join, in words, and leaders
    who are not 县处级领导 (recorded, but said). A trip the writer may not read is counted,
    never named."""
    topic_codes = {row.get("topic") for _, row in rows} - {None, ""}
    topics = {
        code: (category, lead)
        for code, category, lead in ResearchTopic.objects.filter(code__in=topic_codes).values_list(
            "code", "category__code", "lead__code"
        )
    }
    written = [_trip(row, topics) for _, row in rows]
    candidates = [t for t in written if t is not None and not t.cancelled]
    readable = _readable(ctx)
    if len(candidates) > FORM_ROWS:
        warnings = _file_warnings(written, candidates, readable)
    else:
        warnings = _form_warnings(written, candidates, readable)
    leaders = {row.get("leader") for _, row in rows} - {None, ""}
    not_leaders = dict(
        Person.objects.filter(code__in=leaders, is_leader=False).values_list("code", "name")
    )
    for index, (_, row) in enumerate(rows):
        if row.get("leader") in not_leaders:
            name = not_leaders[row["leader"]]
            warnings.append((index, "leader", f"{name}不是县处级领导，请核对调研领导"))
    return warnings


def _readable(ctx):
    """A function telling whether the writer may read a stored trip (by its code)."""
    if ctx.system:
        return lambda code: True
    from taizhang.core.access import rows_for_read
    from taizhang.core.ledger import registry

    cache: dict[str, bool] = {}
    rows = rows_for_read(registry["research_trips"], ctx.scope)

    def readable(code: str) -> bool:
        if code not in cache:
            cache[code] = rows.filter(code=code).exists()
        return cache[code]

    return readable


def _form_warnings(written, candidates, readable) -> list[tuple[int, str, str]]:
    codes = {t.code for t in candidates}
    near_of = {t.code: trips_near(t, exclude=codes) for t in candidates}
    by_target: dict[str, list[Trip]] = {}
    for trip in candidates:  # the rows written together meet each other too
        by_target.setdefault(trip.target, []).append(trip)
    names = _names([t for near in near_of.values() for t in near] + candidates)
    warnings = []
    for index, trip in enumerate(written):
        if trip is None or trip.cancelled:
            continue
        near = near_of[trip.code] + by_target[trip.target]
        found = conflicts_of(trip, near, window=window())
        shown: dict[str, int] = {}
        hidden: dict[str, int] = {}
        for kind, other in sorted(found, key=lambda f: (f[0], f[1].starts_at, f[1].code)):
            if other.code not in codes and not readable(other.code):
                hidden[kind] = hidden.get(kind, 0) + 1
                continue
            shown[kind] = shown.get(kind, 0) + 1
            if shown[kind] <= WORDS_PER_KIND:
                warnings.append((index, "target", _words(kind, trip, other, names)))
        for kind in KIND_WORDS:
            more = max(0, shown.get(kind, 0) - WORDS_PER_KIND) + hidden.get(kind, 0)
            if more:
                warnings.append((index, "target", f"另有 {more} 次调研与之构成{KIND_WORDS[kind]}"))
        if any(kind == "crowding" for kind, _ in found):
            at_target = [o for o in near if o.target == trip.target]
            days = _free_workdays(trip, at_target)
            if days:
                text = "、".join(f"{d.month}月{d.day}日" for d in days)
                warnings.append((index, "starts_at", f"该调研对象最近的空档：{text}"))
    return warnings


def _file_warnings(written, candidates, readable) -> list[tuple[int, str, str]]:
    """A long file: its rows and the stored trips at its targets through the engine once
    (not row by row: 5,000 rows at one target would be 25 million pairs), each row told
    which kind of finding it is in and a few trips of it."""
    from .conflicts import findings

    codes = {t.code for t in candidates}
    targets = sorted({t.target for t in candidates})
    stored = []
    for start in range(0, len(targets), 500):
        rows = _live_trips(codes).filter(target__in=targets[start : start + 500])
        stored += [Trip(*row) for row in rows.values_list(*TRIP_FIELDS)]
    groups: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for finding in findings(stored + candidates, window=window()):
        for code in finding.trips:
            if code in codes:
                groups.setdefault(code, []).append((finding.kind, finding.trips))
    warnings = []
    for index, trip in enumerate(written):
        if trip is None or trip.code not in groups:
            continue
        for kind, members in groups[trip.code]:
            others = [c for c in members if c != trip.code]
            named = [c for c in others if c in codes or readable(c)][:3]
            more = len(others) - len(named)
            listed = "、".join(named) + (f" 等 {len(others)} 次" if more else "")
            warnings.append(
                (index, "target", f"与 {listed or f'{more} 次'}调研构成{KIND_WORDS[kind]}")
            )
    return warnings


def _free_workdays(trip: Trip, at_target: list[Trip], count: int = 3) -> list[dt.date]:
    """The nearest days the target is free for this trip: working days (not Saturday,
    Sunday or a configured holiday), not in the past when the trip is not."""
    around = timezone.localtime(trip.starts_at).date()
    today = timezone.localdate()
    holidays = [
        (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        for _, start, end in settings.STUDY_HOLIDAYS
    ]

    def usable(day: dt.date) -> bool:
        if day.weekday() >= 5 or any(start <= day <= end for start, end in holidays):
            return False
        return day >= today or around < today

    days = free_days(trip, at_target, window=window(), around=around, count=count * 6)
    return sorted(
        sorted((d for d in days if usable(d)), key=lambda d: abs((d - around).days))[:count]
    )


def _trip(row, topics) -> Trip | None:
    topic = topics.get(row.get("topic"))
    if topic is None or not row.get("starts_at") or not row.get("ends_at") or not row.get("target"):
        return None
    return Trip(
        code=row["code"],
        topic=row["topic"],
        category=topic[0],
        topic_lead=topic[1],
        leader=row.get("leader") or "",
        target=row["target"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        cancelled=row.get("status") == TripStatus.CANCELLED,
    )


def _names(trips) -> dict:
    codes = {t.leader for t in trips} | {t.topic_lead for t in trips}
    topics = {t.topic for t in trips}
    return {
        "people": dict(Person.objects.filter(code__in=codes).values_list("code", "name")),
        "topics": dict(ResearchTopic.objects.filter(code__in=topics).values_list("code", "name")),
    }


def _words(kind: str, trip: Trip, other: Trip, names) -> str:
    """One finding in the words of the office: who, when, what, and why it is one."""
    leader = names["people"].get(other.leader, other.leader)
    topic = names["topics"].get(other.topic, other.topic)
    when = _day(other.starts_at)
    if kind == "crowding":
        first, second = sorted((trip, other), key=lambda t: t.starts_at)
        overlap = second.starts_at < first.ends_at
        apart = (
            timezone.localtime(second.starts_at).date() - timezone.localtime(first.ends_at).date()
        ).days
        gap = "时间重叠" if overlap else "同一天" if apart <= 0 else f"间隔 {apart} 天"
        return f"与 {leader} {when} 调研同一对象，{gap}（{KIND_WORDS[kind]}，{other.code}）"
    if kind == "multi_head":
        lead = names["people"].get(other.topic_lead, other.topic_lead)
        return (
            f"与 {lead} 牵头的同类选题《{topic}》调研同一对象（{leader} {when}，"
            f"{KIND_WORDS[kind]}，{other.code}）"
        )
    return f"选题《{topic}》{when} 由 {leader} 调研同一对象（{KIND_WORDS[kind]}，{other.code}）"


# -- a leader's calendar feed -------------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def leader_feed_issue(*, actor, person: Person) -> str:
    """A new .ics token for the leader's research calendar (the old one stops working);
    the token is returned once, only its digest kept."""
    token = secrets.token_urlsafe(24)
    LeaderFeed.objects.update_or_create(person=person, defaults={"digest": feed_digest(token)})
    audit_record(
        actor=actor,
        action="research.feed.issued",
        ledger="people",
        key=person.code,
        after={"调研日历订阅": "已生成新地址（旧地址失效）"},
    )
    return token


def leader_for_feed(token: str) -> Person | None:
    feed = LeaderFeed.objects.select_related("person").filter(digest=feed_digest(token)).first()
    return feed.person if feed else None


def feeds_revoke(sender, user, actor, reason, **kwargs) -> None:
    """An account's credentials were revoked (password change, deactivation): the research
    feed of its person stops working too."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return
    deleted, _ = LeaderFeed.objects.filter(person_id=person_id).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="research.feed.revoked",
            ledger="people",
            key=Person.objects.filter(pk=person_id).values_list("code", flat=True).first() or "",
            after={"调研日历订阅": "已失效", "原因": reason},
        )


def categories_ensure_defaults(*, actor=None):
    """The 12 types (LX-01 … LX-12) in an empty list; the office edits them after."""
    from taizhang.core.ledger import registry
    from taizhang.core.ledger_write import ledger_write

    if ResearchCategory.objects.exists():
        return None
    rows = [
        (None, {"code": f"LX-{n:02d}", "name": name})
        for n, name in enumerate(DEFAULT_CATEGORIES, 1)
    ]
    return ledger_write(ledger=registry["research_categories"], actor=actor, rows=rows)
