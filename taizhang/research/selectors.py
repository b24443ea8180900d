"""Reads of the research app, through the read door: the conflict findings with their
trips, a target's research history, month calendars of a leader or a target, the overview
category → topic → trips → report, and names of targets (organizations or enterprises)."""

import calendar as pycal
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for
from taizhang.core.tree import live_orgs

from .conflicts import Finding, Trip, findings
from .models import ResearchTopic, ResearchTrip, TripStatus
from .services import KIND_WORDS, TRIP_FIELDS, window


def reads_research(user) -> bool:
    return may_read(registry["research_trips"], user)


def trips_for(user, *, date_from=None, date_to=None):
    trips = rows_for_read(registry["research_trips"], user).select_related(
        "topic__category", "topic__lead", "leader"
    )
    if date_from:
        trips = trips.filter(starts_at__date__gte=date_from)
    if date_to:
        trips = trips.filter(starts_at__date__lte=date_to)
    return trips


def as_trips(queryset) -> list[Trip]:
    """The engine's trips of a queryset (those not cancelled)."""
    rows = queryset.exclude(status=TripStatus.CANCELLED).values_list(*TRIP_FIELDS)
    return [Trip(*row) for row in rows]


TRIPS_SHOWN = 30  # of a finding, on the page (a busy target's group can hold hundreds)


_FOUND: dict = {}  # (query, state of the trips) -> findings: a few, recent


def findings_of(queryset) -> list[Finding]:
    """The findings among a queryset's trips, computed once per state of the trips (a
    year of 100,000 trips takes about a second; the home page, 统计 and this page ask for
    the same ones). The state is the number of trips and the last change of any."""
    trips = ResearchTrip.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    # A topic moved to another type or lead changes findings without touching a trip.
    topics = ResearchTopic.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    key = (str(queryset.query), *trips.values(), *topics.values(), window())
    if key not in _FOUND:
        if len(_FOUND) >= 16:
            _FOUND.clear()
        _FOUND[key] = findings(as_trips(queryset), window=window())
    return _FOUND[key]


def findings_for(user, *, date_from=None, date_to=None) -> list["LazyFinding"]:
    """Every finding among the trips the user reads (within the dates), with its trips."""
    queryset = trips_for(user, date_from=date_from, date_to=date_to)
    found = findings_of(queryset)
    return [LazyFinding(f, queryset, user) for f in found]


class LazyFinding:
    """A finding whose trips and target name are read only when shown (a page of them,
    not the thousands a year of trips can hold)."""

    def __init__(self, finding: Finding, queryset, user):
        self.finding, self.label = finding, KIND_WORDS[finding.kind]
        self._queryset, self._user = queryset, user

    @property
    def trips(self):
        rows = self._queryset.filter(code__in=self.finding.trips[:TRIPS_SHOWN])
        return sorted(rows, key=lambda t: (t.starts_at, t.code))

    @property
    def more(self) -> int:
        return max(0, len(self.finding.trips) - TRIPS_SHOWN)

    @property
    def target_name(self) -> str:
        return target_names(self._user, [self.finding.target]).get(self.finding.target, "")


def target_names(user, codes, *, in_scope: bool = False) -> dict[str, str]:
    """{code: name} of the targets: organizations (the district's common vocabulary; with
    `in_scope`, only those the user holds) and the enterprises the user reads."""
    codes = list(codes)
    orgs = live_orgs().filter(code__in=codes)
    if in_scope:
        scope = scope_for(user)
        orgs = scope.filter(orgs, "path", registry["research_trips"].read_roles)
    names = dict(orgs.values_list("code", "name"))
    try:
        enterprises = rows_for_read(registry["enterprises"], user)
        names.update(enterprises.filter(credit_code__in=codes).values_list("credit_code", "name"))
    except PermissionDenied:
        pass
    return names


def target_history(user, code: str):
    return trips_for(user).filter(target=code).order_by("-starts_at", "code")


def month_grid(trips, month: dt.date, user=None) -> dict:
    """A month view: weeks of days, each with the trips that cover it (each trip with
    its target's name as `target_label`, when `user` reads it)."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(following, dt.time(), tzinfo=timezone.get_current_timezone())
    by_day: dict[dt.date, list] = {}
    shown = list(trips.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at"))
    names = target_names(user, {t.target for t in shown}) if user is not None else {}
    for trip in shown:
        trip.target_label = names.get(trip.target, trip.target)
        day = max(timezone.localtime(trip.starts_at).date(), first)
        last = min(timezone.localtime(trip.ends_at).date(), following - dt.timedelta(days=1))
        while day <= last:
            by_day.setdefault(day, []).append(trip)
            day += dt.timedelta(days=1)
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "trips": by_day.get(d, [])} for d in week]
        for week in pycal.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return {"weeks": weeks, "month": first, "previous": previous, "following": following}


@dataclass
class TopicRow:
    topic: object
    trips: int = 0
    done: int = 0
    planned: int = 0
    reports: int = 0


def overview(user) -> dict:
    """Category → topic → trips → report; the topics the office chases; reports per leader."""
    topics = rows_for_read(registry["research_topics"], user).select_related("category", "lead")
    trips = rows_for_read(registry["research_trips"], user).order_by()
    reports = rows_for_read(registry["research_reports"], user).order_by()
    counted = {
        row["topic_id"]: row
        for row in trips.values("topic_id").annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=TripStatus.DONE)),
            planned=Count("pk", filter=Q(status=TripStatus.PLANNED)),
        )
    }
    reported = dict(reports.values_list("topic_id").annotate(n=Count("pk")))
    categories: dict = {}
    no_trip, no_report = [], []
    for topic in topics.order_by("category__code", "code"):
        row = counted.get(topic.pk, {})
        item = TopicRow(
            topic,
            trips=row.get("n", 0),
            done=row.get("done", 0),
            planned=row.get("planned", 0),
            reports=reported.get(topic.pk, 0),
        )
        categories.setdefault(topic.category, []).append(item)
        if not item.trips:
            no_trip.append(item)
        elif not item.reports:
            no_report.append(item)
    by_leader = (
        reports.values("topic__lead__code", "topic__lead__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "topic__lead__code")
    )
    stale = (
        trips.filter(status=TripStatus.PLANNED, ends_at__lt=timezone.now())
        .select_related("leader", "topic")
        .order_by("starts_at")
    )
    return {
        "stale": list(stale[:100]),
        "stale_count": stale.count(),
        "categories": sorted(categories.items(), key=lambda item: item[0].code),
        "no_trip": no_trip,
        "no_report": no_report,
        "by_leader": list(by_leader),
    }


def trip_done(trip: ResearchTrip) -> bool:
    return trip.status == TripStatus.DONE
