"""Reads of the orgs app that pages and the navigation share."""

from .models import Person

SECRETARY = "书记"


def own_person(user) -> Person | None:
    """The person record an account belongs to (its 人员编号), if any and live."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return Person.objects.select_related("org").filter(pk=person_id, archived_at=None).first()


def has_own_record(user) -> bool:
    return own_person(user) is not None


def secretaries_of(org) -> list[Person]:
    """Who leads an organization: its live people whose 职务 names a 书记, the
    secretary (书记) before deputies (副书记)."""
    found = Person.objects.filter(org=org, archived_at=None, title__contains=SECRETARY)
    return sorted(found, key=lambda p: (p.title.startswith("副"), "副" in p.title, p.code))
