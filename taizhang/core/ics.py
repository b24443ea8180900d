"""Calendar feeds (RFC 5545): the text of an .ics document from plain events."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str = ""
    description: str = ""


def _escape(text: str) -> str:
    """TEXT of RFC 5545: backslash, ; and , escaped, every line break (CR, LF, CRLF) as \\n,
    other control characters dropped — a value never starts a line of its own."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c == "\n" or c >= " ")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_document(name: str, events, product: str = "taizhang") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//taizhang//{product}//ZH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    now = _stamp(timezone.now())
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(event.uid)}@taizhang",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(event.starts_at)}",
            f"DTEND:{_stamp(event.ends_at)}",
            f"SUMMARY:{_escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{_escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
