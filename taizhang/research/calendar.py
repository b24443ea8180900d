"""A leader's research trips as an .ics feed."""

from taizhang.core.ics import Event, ics_document

from .models import ResearchTrip, TripStatus


def ics_for(leader) -> str:
    """The leader's live trips that are not cancelled (the feed's token is for them)."""
    trips = (
        ResearchTrip.objects.filter(leader=leader, archived_at=None)
        .exclude(status=TripStatus.CANCELLED)
        .select_related("topic")
        .order_by("starts_at")[:2000]
    )
    events = [
        Event(
            uid=trip.code,
            starts_at=trip.starts_at,
            ends_at=trip.ends_at,
            summary=f"调研：{trip.topic.name}",
            location=trip.place or trip.target,
            description=f"调研对象 {trip.target}；状态 {trip.status}",
        )
        for trip in trips
    ]
    return ics_document(f"{leader.name}调研日历", events, product="research")
