"""The month's meetings, and a user's .ics feed (RFC 5545) of the meetings they attend."""

import calendar as pycal
import datetime as dt

from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ics import Event, ics_document
from taizhang.core.ledger import registry


def month_grid(meetings, month: dt.date) -> dict:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    by_day: dict[dt.date, list] = {}
    if meetings:
        held = meetings.filter(held_at__date__gte=first, held_at__date__lt=following)
        for meeting in held.order_by("held_at"):
            by_day.setdefault(timezone.localtime(meeting.held_at).date(), []).append(meeting)
    weeks = [
        [
            {"day": d, "in_month": d.month == first.month, "meetings": by_day.get(d, [])}
            for d in week
        ]
        for week in pycal.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return {"weeks": weeks, "month": first, "previous": previous, "following": following}


def ics_for(user) -> str:
    """The meetings the user attends (as a person), within what they may read."""
    ledger = registry["meetings"]
    person = getattr(user, "person_id", None)
    events = []
    if person and may_read(ledger, user):
        meetings = rows_for_read(ledger, user).filter(attendees=person).select_related("org")
        events = [
            Event(
                uid=meeting.code,
                starts_at=meeting.held_at,
                ends_at=meeting.held_at + dt.timedelta(hours=1),
                summary=meeting.topic or meeting.kind,
                location=meeting.org.name,
            )
            for meeting in meetings.order_by("held_at")[:2000]
        ]
    return ics_document("会议日历", events, product="dispatch")
