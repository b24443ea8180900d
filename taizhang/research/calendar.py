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
    trips = list(trips)
    names = _target_names({trip.target for trip in trips})
    events = [
        Event(
            uid=trip.code,
            starts_at=trip.starts_at,
            ends_at=trip.ends_at,
            summary=f"调研：{names.get(trip.target, trip.target)}（{trip.topic.name}）",
            location=trip.place or names.get(trip.target, trip.target),
            description=f"调研对象 {names.get(trip.target, '')} {trip.target}；"
            f"选题 {trip.topic.name}；状态 {trip.status}",
        )
        for trip in trips
    ]
    return ics_document(f"{leader.name}调研日历", events, product="research")


def _target_names(codes) -> dict[str, str]:
    """Names of the targets, for the leader's own calendar (the feed is theirs)."""
    from taizhang.orgs.models import Enterprise, Organization

    names = dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))
    names.update(
        Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name")
    )
    return names
