"""Reads of the study app, always through the engine's read door: who was reached and who
was not (不掉队), the "8+3" categorised guidance table, the 疑似雷同 pairs, a member's own
sessions."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from taizhang.core.access import masker, may_read, rows_for_read
from taizhang.core.campaign import campaign_period
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for, subtree_q
from taizhang.core.tree import home_of, live_orgs
from taizhang.orgs.models import Category, Organization, OrgKind, Person, PersonKind

from .models import SimilarPair, StudyArticle, StudyForm, StudySession

KINDS = [k.value for k in PersonKind]
UNCATEGORISED = "未设所属领域（如区级领导）"
LIST_LIMIT = 1000  # people listed on the page (the export holds them all)


def reads_study(user) -> bool:
    return may_read(registry["study_sessions"], user)


def reads_people_and_study(user) -> bool:
    return reads_study(user) and may_read(registry["people"], user)


def reads_articles(user) -> bool:
    return may_read(registry["study_articles"], user)


def default_window() -> tuple[dt.date, dt.date]:
    """The campaign, up to today when it is still running."""
    start, end = campaign_period()
    return start, min(end, max(start, timezone.localdate()))


def attended_ids(date_from: dt.date | None, date_to: dt.date | None):
    """Ids of the people who attended a live session in the period. Whether a member was
    reached is a fact about the member, whoever organized the session: counted for every
    session, shown only through the people the reader may read."""
    through = StudySession.attendees.through
    # A session planned for a later day (送学上门 next week) reaches nobody yet.
    sessions = StudySession.objects.filter(archived_at=None, held_on__lte=timezone.localdate())
    if date_from:
        sessions = sessions.filter(held_on__gte=date_from)
    if date_to:
        sessions = sessions.filter(held_on__lte=date_to)
    return through.objects.filter(studysession_id__in=sessions.values("pk")).values("person_id")


def home_org(user, code: str = "") -> Organization | None:
    """The organization a page shows: `code` if the user reads it, else their own."""
    roles = registry["people"].read_roles
    if code:
        # Held with a role that reads its people (a member grant opens no such page).
        scope = scope_for(user)
        found = scope.filter(live_orgs().filter(code=code), "path", roles)
        return found.first()
    return home_of(scope_for(user), roles)


@dataclass
class Reach:
    org: Organization
    date_from: dt.date
    date_to: dt.date
    members: int = 0
    reached: int = 0
    by_kind: list = field(default_factory=list)  # (kind, members, not reached)
    people: list = field(default_factory=list)  # not reached: dicts for the page
    listed_all: bool = True

    @property
    def not_reached(self) -> int:
        return self.members - self.reached

    @property
    def percent(self) -> str:
        return f"{100 * self.reached / self.members:.1f}" if self.members else "—"


def members_in(user, org: Organization):
    """Members (党员 是) of the organization's subtree that the user reads."""
    people = rows_for_read(registry["people"], user).order_by()
    return people.filter(subtree_q("scope_path", org.path), is_member=True)


def reach(user, org: Organization, date_from, date_to, *, limit: int = LIST_LIMIT) -> Reach:
    """不掉队: the subtree's members reached / not reached in the period, by category,
    with the members not reached (and the sessions already planned for them)."""
    result = Reach(org=org, date_from=date_from, date_to=date_to)
    members = members_in(user, org)
    attended = attended_ids(date_from, date_to)
    missing = members.exclude(pk__in=attended)
    result.members = members.count()
    result.reached = result.members - missing.count()
    kinds_total = _count_by_kind(members)
    kinds_missing = _count_by_kind(missing)
    result.by_kind = [(k, kinds_total.get(k, 0), kinds_missing.get(k, 0)) for k in KINDS]
    result.people = not_reached_rows(user, missing, limit=limit)
    result.listed_all = len(result.people) >= result.not_reached
    return result


def _count_by_kind(people) -> dict[str, int]:
    counted = people.exclude(kinds="").values("kinds").annotate(n=Count("pk"))
    totals: dict[str, int] = {}
    for row in counted:
        for kind in row["kinds"].split("、"):
            totals[kind] = totals.get(kind, 0) + row["n"]
    return totals


def not_reached_rows(user, missing, *, limit: int | None = None) -> list[dict]:
    """The members not reached, as the page and the export list them: name, code,
    organization, categories, mobile (masked where the reader may not see it) and the
    sessions already planned for them after the period."""
    people = registry["people"]
    rows = missing.select_related("org").order_by("scope_path", "code")
    if limit is not None:
        rows = rows[:limit]
    rows = list(
        rows.values_list(
            "pk", "code", "name", "org__code", "org__name", "kinds", "mobile", "scope_path"
        )
    )
    planned: dict[int, list] = {}
    today = timezone.localdate()
    through = StudySession.attendees.through
    for person_id, held_on, form in through.objects.filter(
        person_id__in=[r[0] for r in rows],
        studysession__held_on__gt=today,
        studysession__archived_at=None,
    ).values_list("person_id", "studysession__held_on", "studysession__form"):
        planned.setdefault(person_id, []).append(f"{held_on} {form}")
    masked = _mobile_mask(user, people)
    return [
        {
            "pk": pk,
            "code": code,
            "name": name,
            "org_code": org_code,
            "org_name": org_name,
            "kinds": kinds,
            "elderly": PersonKind.ELDERLY in kinds.split("、"),
            "mobile_member": PersonKind.MOBILE in kinds.split("、"),
            "mobile": masked(mobile, path),
            "planned": "、".join(sorted(planned.get(pk, []))),
            "planned_home": any(StudyForm.AT_HOME in p for p in planned.get(pk, [])),
        }
        for pk, code, name, org_code, org_name, kinds, mobile, path in rows
    ]


def _mobile_mask(user, people_ledger):
    """A function (mobile, row path) -> what this reader sees of the number (the read
    door's masking)."""
    mask = masker(people_ledger, user)
    if mask is None:
        return lambda mobile, path: mobile
    return lambda mobile, path: mask({"mobile": mobile}, path)["mobile"]


def holiday_now(day: dt.date | None = None) -> tuple[str, dt.date, dt.date] | None:
    """The configured holiday that `day` falls in or that comes next (within 30 days)."""
    day = day or timezone.localdate()
    upcoming = []
    for name, start, end in settings.STUDY_HOLIDAYS:
        start, end = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if start <= day <= end or 0 <= (start - day).days <= 30:
            upcoming.append((name, start, end))
    return min(upcoming, key=lambda h: h[1]) if upcoming else None


def holidays() -> list[tuple[str, dt.date, dt.date]]:
    return [
        (name, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        for name, start, end in settings.STUDY_HOLIDAYS
    ]


# -- "8+3" categorised guidance ---------------------------------------------------------


@dataclass
class CategoryRow:
    name: str
    branches: int = 0
    with_plan: int = 0
    plans: int = 0
    sessions: int = 0
    members: int = 0
    reached: int = 0
    no_plan: list = field(default_factory=list)
    idle: list = field(default_factory=list)

    @property
    def percent(self) -> str:
        return f"{100 * self.reached / self.members:.1f}" if self.members else "—"


def categories_table(user, org: Organization, date_from, date_to, on: dt.date) -> list[CategoryRow]:
    """By 所属领域: branches, those with a plan, plans, sessions, members reached (%),
    and the branches with no plan (未报送) or no session in the last STUDY_IDLE_DAYS
    days before `on` (未开展), each with its secretary's name and phone."""
    scope = scope_for(user)
    plans = rows_for_read(registry["study_plans"], user).order_by()
    sessions = rows_for_read(registry["study_sessions"], user).order_by()
    under = subtree_q("path", org.path)
    branches = live_orgs().filter(under, kind=OrgKind.BRANCH)
    branches = branches.filter(scope.q("path", registry["study_plans"].read_roles))
    idle_since = on - dt.timedelta(days=settings.STUDY_IDLE_DAYS)
    branches = branches.annotate(
        has_plan=Exists(plans.filter(org_id=OuterRef("pk"))),
        active=Exists(
            sessions.filter(org_id=OuterRef("pk"), held_on__gt=idle_since, held_on__lte=on)
        ),
    )
    rows: dict[int | None, CategoryRow] = {}
    names = dict(Category.objects.values_list("pk", "name"))
    order = list(Category.objects.values_list("pk", flat=True))
    for category_id, with_plan, n in (
        branches.values("category_id", "has_plan")
        .annotate(n=Count("pk"))
        .values_list("category_id", "has_plan", "n")
    ):
        row = rows.setdefault(category_id, CategoryRow(names.get(category_id, UNCATEGORISED)))
        row.branches += n
        row.with_plan += n if with_plan else 0
    in_window = Q()
    if date_from:
        in_window &= Q(held_on__gte=date_from)
    if date_to:
        in_window &= Q(held_on__lte=date_to)
    for category_id, n in (
        sessions.filter(subtree_q("scope_path", org.path), in_window)
        .values_list("org__category_id")
        .annotate(n=Count("pk"))
    ):
        rows.setdefault(
            category_id, CategoryRow(names.get(category_id, UNCATEGORISED))
        ).sessions += n
    for category_id, n in (
        plans.filter(subtree_q("scope_path", org.path))
        .values_list("org__category_id")
        .annotate(n=Count("pk"))
    ):
        rows.setdefault(category_id, CategoryRow(names.get(category_id, UNCATEGORISED))).plans += n
    members = members_in(user, org)
    attended = attended_ids(date_from, date_to)
    for category_id, total, reached in (
        members.values("org__category_id")
        .annotate(total=Count("pk"), reached=Count("pk", filter=Q(pk__in=attended)))
        .values_list("org__category_id", "total", "reached")
    ):
        row = rows.setdefault(category_id, CategoryRow(names.get(category_id, UNCATEGORISED)))
        row.members += total
        row.reached += reached
    _lagging(user, branches, rows, names)
    ranked = sorted(
        rows.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )
    return [row for _, row in ranked]


def categories_total(rows: list[CategoryRow]) -> CategoryRow | None:
    if not rows:
        return None
    total = CategoryRow("合计")
    for row in rows:
        for name in ("branches", "with_plan", "plans", "sessions", "members", "reached"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.no_plan += row.no_plan
        total.idle += row.idle
    return total


def _lagging(user, branches, rows, names) -> None:
    """Fill each category's 未报送 / 未开展 branches with their secretaries."""
    lagging = list(
        branches.filter(Q(has_plan=False) | Q(active=False))
        .order_by("path")
        .values_list("pk", "code", "name", "category_id", "has_plan", "active", "path")
    )
    secretaries = _secretaries([pk for pk, *_ in lagging], user)
    for pk, code, name, category_id, has_plan, active, _ in lagging:
        row = rows.setdefault(category_id, CategoryRow(names.get(category_id, UNCATEGORISED)))
        entry = {"code": code, "name": name, "secretary": secretaries.get(pk)}
        if not has_plan:
            row.no_plan.append(entry)
        if not active:
            row.idle.append(entry)


def _secretaries(org_ids: list[int], user) -> dict[int, tuple[str, str]]:
    """{organization id: (secretary's name, phone as the reader may see it)}."""
    people = registry["people"]
    masked = _mobile_mask(user, people)
    found: dict[int, tuple[str, str]] = {}
    rows = (
        Person.objects.filter(org_id__in=org_ids, archived_at=None, title__contains="书记")
        .exclude(title__contains="副")
        .order_by("code")
        .values_list("org_id", "name", "mobile", "scope_path")
    )
    for org_id, name, mobile, path in rows:
        found.setdefault(org_id, (name, masked(mobile, path)))
    return found


# -- articles and members ---------------------------------------------------------------


def similar_pairs(user, *, date_from=None, date_to=None) -> list[SimilarPair]:
    """The 疑似雷同 pairs whose two articles the user reads (within the dates)."""
    try:
        readable = rows_for_read(registry["study_articles"], user).order_by()
    except PermissionDenied:
        return []
    if date_from:
        readable = readable.filter(finished_on__gte=date_from)
    if date_to:
        readable = readable.filter(finished_on__lte=date_to)
    ids = readable.values("pk")
    return list(
        SimilarPair.objects.filter(first_id__in=ids, second_id__in=ids)
        .select_related("first__author", "second__author")
        .order_by("-similarity", "first__code", "second__code")
    )


def article_pair(user, first: str, second: str) -> tuple[StudyArticle, StudyArticle]:
    """Two articles the user reads (404 otherwise, through the read door)."""
    from taizhang.core.access import fetch_for_read

    ledger = registry["study_articles"]
    return fetch_for_read(ledger, user, first), fetch_for_read(ledger, user, second)


def my_sessions(user, limit: int = 20) -> list[StudySession]:
    """The sessions the signed-in member attended (their own attendance)."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return []
    return list(
        StudySession.objects.filter(attendees=person_id, archived_at=None)
        .select_related("org")
        .order_by("-held_on", "code")[:limit]
    )


def session_members(user, session: StudySession) -> list[Person]:
    """The checklist: the members of the session's own organization the user reads, and
    whoever already attends (a visiting member stays ticked)."""
    people = rows_for_read(registry["people"], user)
    attending = set(session.attendees.values_list("pk", flat=True))
    listed = people.filter(Q(org_id=session.org_id, is_member=True) | Q(pk__in=attending))
    return list(listed.order_by("code"))


def home_deliveries_for(user) -> int:
    return rows_for_read(registry["study_sessions"], user).filter(form=StudyForm.AT_HOME).count()


def plans_of(user, org: Organization):
    return rows_for_read(registry["study_plans"], user).filter(subtree_q("scope_path", org.path))
