"""Reads of the visits app, through the read door: the appeals an organization handles
(overdue first) and the leaders' monthly visit quota board."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.campaign import campaign_period
from taizhang.core.ledger import registry

from .models import CLOSED, TargetKind, Visit

KINDS = [k.value for k in TargetKind]


def reads_appeals(user) -> bool:
    return may_read(registry["appeals"], user)


def reads_visits(user) -> bool:
    return may_read(registry["visits"], user) and may_read(registry["people"], user)


def appeals_to_handle(user):
    """Open appeals the user reads, overdue first, then by 办理时限."""
    today = timezone.localdate()
    rows = rows_for_read(registry["appeals"], user).exclude(status__in=CLOSED)
    return (
        rows.select_related("org")
        .annotate(
            late=Case(
                When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("late", "due_on", "code")
    )


@dataclass
class QuotaRow:
    leader: object
    cells: list = field(default_factory=list)  # per month: {count, kinds, colour, month}


def months_of_campaign() -> list[dt.date]:
    start, end = campaign_period()
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def quota_board(user) -> dict:
    """Rows: the county-level leaders the user reads; columns: the campaign's months; a
    cell: the visits that month (0 red, 1–2 green, more blue) and the kinds of people met."""
    people = rows_for_read(registry["people"], user).filter(is_leader=True).order_by("code")
    months = months_of_campaign()
    visits = rows_for_read(registry["visits"], user).filter(
        visited_on__gte=months[0],
        visited_on__lt=(months[-1] + dt.timedelta(days=32)).replace(day=1),
    )
    through = Visit.visitors.through.objects.filter(
        visit_id__in=visits.values("pk"), person_id__in=people.values("pk")
    ).values_list("person_id", "visit__visited_on", "visit__target_kind")
    counted: dict[tuple[int, dt.date], list[str]] = {}
    for person_id, day, kind in through:
        counted.setdefault((person_id, day.replace(day=1)), []).append(kind)
    rows = []
    for leader in people:
        row = QuotaRow(leader)
        for month in months:
            kinds = counted.get((leader.pk, month), [])
            count = len(kinds)
            colour = "red" if count == 0 else "green" if count <= 2 else "blue"
            row.cells.append(
                {
                    "month": month,
                    "count": count,
                    "kinds": [k for k in KINDS if k in kinds],
                    "all_kinds": all(k in kinds for k in KINDS),
                    "colour": colour,
                }
            )
        rows.append(row)
    return {"months": months, "rows": rows}


def leader_month_visits(user, leader, month: dt.date):
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return (
        rows_for_read(registry["visits"], user)
        .filter(visitors=leader, visited_on__gte=month, visited_on__lt=following)
        .order_by("visited_on", "code")
    )
