"""The month's meetings, and a user's .ics feed (RFC 5545) of the meetings they attend."""

import calendar as pycal
import datetime as dt

from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
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


def _escape(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_for(user) -> str:
    """The meetings the user attends (as a person), within what they may read."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//taizhang//dispatch//ZH",
        "X-WR-CALNAME:会议日历",
    ]
    ledger = registry["meetings"]
    person = getattr(user, "person_id", None)
    if person and may_read(ledger, user):
        meetings = rows_for_read(ledger, user).filter(attendees=person).select_related("org")
        now = _stamp(timezone.now())
        for meeting in meetings.order_by("held_at")[:2000]:
            lines += [
                "BEGIN:VEVENT",
                f"UID:{_escape(meeting.code)}@taizhang",
                f"DTSTAMP:{now}",
                f"DTSTART:{_stamp(meeting.held_at)}",
                f"DTEND:{_stamp(meeting.held_at + dt.timedelta(hours=1))}",
                f"SUMMARY:{_escape(meeting.topic or meeting.kind)}",
                f"LOCATION:{_escape(meeting.org.name)}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
