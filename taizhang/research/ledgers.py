"""The research ledgers (LEDGERS.md §1): categories, topics, trips, reports. A trip that
would crowd, double or repeat another (LEDGERS.md §2) is a warning on the form, shown as
the fields change and confirmed by the writer (audited), never a refusal."""

import datetime as dt

from taizhang.core.audit import action_register
from taizhang.core.ledger import Column, Ledger, register, registry

from .models import ResearchCategory, ResearchReport, ResearchTopic, ResearchTrip, TripStatus

OFFICE = frozenset({"admin", "office"})
# Research is the leaders' and the office's: trips hang on their leaders (the district),
# so an org admin would write nothing and read nothing of it.
LEADER_WRITERS = OFFICE | {"leader"}
TRIP_YEARS = (2000, 2100)  # a research trip of this system's time
RESEARCH_READERS = frozenset({"admin", "office", "leader", "inspector"})

action_register("research.feed.issued", "调研日历订阅地址")
action_register("research.feed.revoked", "调研日历订阅失效")


@register
class ResearchCategoryLedger(Ledger):
    """The 12 types of research topics: a district-wide list the office keeps."""

    name = "research_categories"
    title = "调研选题类型"
    area = "调查研究"
    model = ResearchCategory
    scope_path = None
    write_roles = OFFICE
    read_roles = RESEARCH_READERS
    columns = [
        Column("类型编码", "code", "code", required=True),
        Column("类型名称", "name", "text", required=True),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "name")
    default_order = "code"

    def example_row(self, ex):
        return {"code": f"LX-X{ex.n}", "name": f"示例类型{ex.n}"}


@register
class ResearchTopicLedger(Ledger):
    name = "research_topics"
    title = "调研选题"
    area = "调查研究"
    model = ResearchTopic
    scope_via = "lead"
    write_roles = LEADER_WRITERS
    read_roles = RESEARCH_READERS
    owner_field = "lead"
    owner_message = "领导干部只能填写本人牵头的调研选题"
    columns = [
        Column("选题编号", "code", "code", required=True),
        Column("选题名称", "name", "text", required=True),
        Column("类型编码", "category", "ref", required=True, ref="research_categories"),
        Column("牵头领导人员编号", "lead", "ref", required=True, ref="people"),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "name", "category", "lead")
    default_order = "code"

    def example_row(self, ex):
        return {
            "code": f"XT-X{ex.n}",
            "name": f"示例选题{ex.n}",
            "category": ex.ref("research_categories"),
            "lead": ex.ref("people"),
        }


@register
class ResearchTripLedger(Ledger):
    name = "research_trips"
    title = "调研活动"
    area = "调查研究"
    model = ResearchTrip
    scope_via = "leader"
    write_roles = LEADER_WRITERS
    read_roles = RESEARCH_READERS
    owner_field = "leader"
    owner_message = "领导干部只能登记本人的调研活动"
    date_field = "starts_at"
    live_warnings = True
    columns = [
        Column("调研编号", "code", "code", required=True),
        Column("选题编号", "topic", "ref", required=True, ref="research_topics"),
        Column("调研领导人员编号", "leader", "ref", required=True, ref="people"),
        Column("开始时间", "starts_at", "datetime", required=True),
        Column("结束时间", "ends_at", "datetime", required=True),
        Column("调研对象编码", "target", "anyref", required=True, ref=("orgs", "enterprises")),
        Column("调研地点", "place", "text"),
        Column("参加人员编号", "participants", "refs", ref="people"),
        Column("调研状态", "status", "choice", choices=TripStatus.values, default="计划"),
        Column("发现问题", "findings", "longtext", max_length=20_000),
    ]
    search_fields = ("code", "target", "place")
    list_fields = ("code", "topic", "leader", "starts_at", "target", "status")
    default_order = "-starts_at"

    def example_row(self, ex):
        # Two weeks apart (no two examples crowd), within the years a trip may have.
        day = dt.date(2000, 1, 3) + dt.timedelta(days=14 * (ex.n % 2500))
        return {
            "code": f"DY-X{ex.n}",
            "topic": ex.ref("research_topics"),
            "leader": _example_leader(ex),
            "starts_at": f"{day} 09:00",
            "ends_at": f"{day} 17:00",
            "target": ex.org,
        }

    def check_row(self, row, ctx):
        problems = []
        start, end = row.get("starts_at"), row.get("ends_at")
        if start and end and end < start:
            problems.append(("ends_at", f"结束时间 {end:%Y-%m-%d %H:%M} 早于开始时间"))
        for field_name in ("starts_at", "ends_at"):
            value = row.get(field_name)
            if value and not TRIP_YEARS[0] <= value.year <= TRIP_YEARS[1]:
                problems.append((field_name, f"年份应在 {TRIP_YEARS[0]} 至 {TRIP_YEARS[1]} 之间"))
        problems += _topic_category_live(row, ctx)
        return problems

    def warn_rows(self, rows, ctx):
        from .services import trip_warnings

        return trip_warnings(rows, ctx)

    def audit_action(self, before, after):
        if (
            after.get("status") == TripStatus.DONE
            and (before or {}).get("status") != TripStatus.DONE
        ):
            return "research.trip.done"
        return None

    def related_links(self, obj):
        from django.urls import reverse

        return [("调研对象的调研记录", reverse("research-target", args=[obj.target]))]


action_register("research.trip.done", "调研完成")


def _topic_category_live(row, ctx) -> list[tuple[str, str]]:
    """A trip may not be registered under a topic whose category was archived."""
    code = row.get("topic")
    if not code:
        return []
    cache = ctx.cache.setdefault("archived_topics", None)
    if cache is None:
        codes = {r.get("topic") for _, r in ctx.rows} - {None, ""}
        cache = ctx.cache["archived_topics"] = dict(
            ResearchTopic.objects.filter(
                code__in=codes, category__archived_at__isnull=False
            ).values_list("code", "category__name")
        )
    stored = ctx.existing.get(row.get("code"))
    if code in cache and not (stored is not None and stored.values.get("topic") == code):
        return [("topic", f"选题“{code}”所属类型“{cache[code]}”已归档")]
    return []


def _example_leader(ex) -> str:
    """A 县处级领导 of the example's organization (a trip led by anyone else is warned)."""
    from taizhang.core.ledger_write import ledger_write

    code = f"LD-X{ex.n}"
    row = {"code": code, "name": f"示例领导{ex.n}", "org": ex.org, "is_leader": "是"}
    outcome = ledger_write(ledger=registry["people"], actor=None, rows=[(None, row)])
    assert outcome.ok, [p.line() for p in outcome.problems]
    return code


@register
class ResearchReportLedger(Ledger):
    name = "research_reports"
    title = "调研报告"
    area = "调查研究"
    model = ResearchReport
    scope_via = "topic"
    write_roles = LEADER_WRITERS
    read_roles = RESEARCH_READERS
    owner_field = "topic"
    owner_message = "领导干部只能填写本人牵头选题的调研报告"
    date_field = "finished_on"
    columns = [
        Column("报告编号", "code", "code", required=True),
        Column("选题编号", "topic", "ref", required=True, ref="research_topics"),
        Column("报告标题", "title", "text", required=True),
        Column("完成日期", "finished_on", "date", required=True),
        Column("报告正文", "body", "longtext", max_length=100_000),
        Column("报告附件", "document", "file", accept=(".pdf", ".doc", ".docx")),
    ]
    search_fields = ("code", "title")
    list_fields = ("code", "topic", "title", "finished_on")
    default_order = "-finished_on"

    def example_row(self, ex):
        return {
            "code": f"BG-X{ex.n}",
            "topic": ex.ref("research_topics"),
            "title": f"示例调研报告{ex.n}",
            "finished_on": "2023-11-10",
        }

    def owner_of_row(self, row, ctx):
        """A report belongs to its topic's lead."""
        return _lead_of(row.get("topic"))

    def owner_of_stored(self, stored):
        return (
            ResearchTopic.objects.filter(pk=stored.fields.get("topic_id"))
            .values_list("lead_id", flat=True)
            .first()
        )

    def owner_of_obj(self, obj):
        return obj.topic.lead_id


def _lead_of(topic_code) -> int | None:
    if not topic_code:
        return None
    return ResearchTopic.objects.filter(code=topic_code).values_list("lead_id", flat=True).first()
