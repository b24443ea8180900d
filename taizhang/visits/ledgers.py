"""The visits ledgers (LEDGERS.md §1): visits and the appeals they collect."""

import datetime as dt

from django.utils import timezone

from taizhang.core.audit import action_register
from taizhang.core.ledger import ORG_WRITERS, Column, Ledger, register
from taizhang.core.tree import path_ids

from .models import (
    CLOSED,
    Appeal,
    AppealStatus,
    Satisfaction,
    TargetKind,
    Visit,
    VisitForm,
)

action_register("visits.appeal.reopened", "不满意，重新办理")
action_register("visits.appeal.transferred", "转办")
action_register("visits.appeal.closed", "诉求办结")
action_register("visits.appeal.fed_back", "诉求反馈")

VISIT_WRITERS = ORG_WRITERS | {"leader"}
DUE_DAYS = 15  # 办理时限 when none is given


@register
class VisitLedger(Ledger):
    """A visit belongs to the organization its visitors share (their lowest common
    ancestor): a branch's cadres' visit is the branch's, a leader's the district's."""

    name = "visits"
    title = "走访"
    area = "走访与诉求"
    model = Visit
    write_roles = VISIT_WRITERS
    date_field = "visited_on"
    columns = [
        Column("走访编号", "code", "code", required=True),
        Column("走访人员编号", "visitors", "refs", required=True, ref="people"),
        Column("走访日期", "visited_on", "date", required=True),
        Column("对象类型", "target_kind", "choice", required=True, choices=TargetKind.values),
        Column(
            "对象编码",
            "target",
            "anyref",
            ref=("enterprises", "orgs", "people"),
            help="市场主体填统一社会信用代码（必填）；其他填组织编码或人员编号",
        ),
        Column("对象名称", "target_name", "text"),
        Column("走访形式", "form", "choice", choices=VisitForm.values),
        Column("情况记录", "notes", "longtext", max_length=20_000),
        Column("现场照片", "photo", "file", accept=(".jpg", ".jpeg", ".png"), max_mb=8),
    ]
    search_fields = ("code", "target", "target_name")
    list_fields = ("code", "visitors", "visited_on", "target_kind", "target_name", "form")
    default_order = "-visited_on"

    def example_row(self, ex):
        return {
            "code": f"ZF-X{ex.n}",
            "visitors": [ex.ref("people")],
            "visited_on": "2023-10-18",
            "target_kind": "城乡群众",
            "target_name": "示例群众",
            "form": "入户走访",
        }

    def scope_path_of(self, row, ctx):
        codes = row.get("visitors") or []
        paths = [ctx.cache.setdefault(("person_path", c), _person_path(c)) for c in codes]
        paths = [p for p in paths if p]
        if not paths:
            stored = ctx.existing.get(row.get("code"))
            return stored.scope_path if stored is not None else ctx.root_path or None
        return _common_path(paths)

    def scope_column(self):
        return self.column("visitors")

    def check_row(self, row, ctx):
        problems = []
        kind, target = row.get("target_kind"), row.get("target") or ""
        if kind == TargetKind.ENTERPRISE:
            if not target:
                problems.append(("target", "市场主体须填写统一社会信用代码"))
            elif not _is_enterprise(target, ctx):
                problems.append(("target", f"“{target}”不是已登记企业的统一社会信用代码"))
        elif target and _is_enterprise(target, ctx):
            problems.append(("target", f"对象类型为{kind}，对象编码应为组织编码或人员编号"))
        day = row.get("visited_on")
        if day and day > timezone.localdate():
            problems.append(("visited_on", f"走访日期 {day} 在今天之后，请在走访后登记"))
        return problems


def _person_path(code: str) -> str:
    from taizhang.orgs.models import Person

    return Person.objects.filter(code=code).values_list("org__path", flat=True).first() or ""


def _common_path(paths: list[str]) -> str:
    """The deepest organization every path lies under (materialized paths of fixed-width
    segments: a common prefix cut at a segment's end)."""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip(".").rfind(".") + 1]
    return common if path_ids(common) else paths[0]


def _is_enterprise(code: str, ctx) -> bool:
    return code in ctx.ids.get("enterprises", {})


@register
class AppealLedger(Ledger):
    """意见诉求: handled by its 承办组织 (scope); the site's users move it through the
    loop one step at a time; the command line imports old rows in any state."""

    name = "appeals"
    title = "意见诉求"
    area = "走访与诉求"
    model = Appeal
    scope_via = "org"
    date_field = "collected_on"
    filled_when_blank = ("due_on",)
    columns = [
        Column("诉求编号", "code", "code", required=True),
        Column("来源走访编号", "visit", "ref", ref="visits"),
        Column("收集日期", "collected_on", "date", required=True),
        Column("诉求人", "appellant", "text", personal="other"),
        Column("诉求类别", "category", "text"),
        Column("诉求内容", "content", "longtext", required=True, max_length=20_000),
        Column("承办组织编码", "org", "ref", required=True, ref="orgs"),
        Column("办理时限", "due_on", "date", help=f"不填为收集日期后 {DUE_DAYS} 天"),
        Column(
            "办理状态",
            "status",
            "choice",
            required=True,
            choices=AppealStatus.values,
            default=AppealStatus.ACCEPTED,
        ),
        Column("办理结果", "result", "longtext", max_length=20_000),
        Column("满意度", "satisfaction", "choice", choices=Satisfaction.values),
    ]
    search_fields = ("code", "content", "category", "appellant")
    list_fields = ("code", "collected_on", "category", "org", "due_on", "status", "satisfaction")
    default_order = "-collected_on"

    def example_row(self, ex):
        return {
            "code": f"SQ-X{ex.n}",
            "collected_on": "2023-10-18",
            "content": f"示例诉求{ex.n}",
            "org": ex.org,
            "status": "已受理",
        }

    def check_row(self, row, ctx):
        problems = []
        status, satisfaction = row.get("status"), row.get("satisfaction")
        if status == AppealStatus.FED_BACK and not satisfaction:
            problems.append(("satisfaction", "已反馈的诉求须填写满意度"))
        if satisfaction and status != AppealStatus.FED_BACK:
            problems.append(("satisfaction", "只有已反馈的诉求才有满意度"))
        if status in CLOSED and not (row.get("result") or "").strip():
            problems.append(("result", f"{status}的诉求须填写办理结果"))
        due, collected = row.get("due_on"), row.get("collected_on")
        if due and collected and due < collected:
            problems.append(("due_on", f"办理时限 {due} 早于收集日期 {collected}"))
        if not ctx.system:
            problems += _step(row, ctx)
        return problems

    def prepare(self, obj, row, ctx):
        if obj.due_on is None and obj.collected_on:
            obj.due_on = obj.collected_on + dt.timedelta(days=DUE_DAYS)

    def audit_action(self, before, after):
        before = before or {}
        if after.get("status") != before.get("status"):
            if after.get("status") == AppealStatus.DONE:
                return "visits.appeal.closed"
            if after.get("status") == AppealStatus.FED_BACK:
                return "visits.appeal.fed_back"
        return None

    def after_write(self, changes, ctx):
        """不满意 sends a fed-back appeal back to 办理中 (a site user's feedback; an
        imported old row stays as the office's spreadsheet holds it)."""
        if ctx.system:
            return
        from .services import appeal_reopen

        for change in changes:
            after = change.after
            if (
                after.get("status") == AppealStatus.FED_BACK
                and after.get("satisfaction") == Satisfaction.UNSATISFIED
            ):
                appeal_reopen(actor=ctx.actor, appeal=change.obj)


ORDER = [AppealStatus.ACCEPTED, AppealStatus.HANDLING, AppealStatus.DONE, AppealStatus.FED_BACK]


def _step(row, ctx) -> list[tuple[str, str]]:
    """The loop, for the site's users: forward one step at a time (or straight to 办理中
    from 已受理), never back by hand; after a reopening, a new 办理结果 before closing."""
    stored = ctx.existing.get(row.get("code"))
    before = stored.values.get("status") if stored is not None else AppealStatus.ACCEPTED
    after = row.get("status")
    if after == before or after not in ORDER or before not in ORDER:
        return []
    if ORDER.index(after) < ORDER.index(before):
        return [("status", f"诉求不能由“{before}”改回“{after}”（不满意时会自动重新办理）")]
    if ORDER.index(after) - ORDER.index(before) > 1 and after != AppealStatus.DONE:
        return [("status", f"诉求须先“{ORDER[ORDER.index(before) + 1]}”，再“{after}”")]
    if stored is not None and after in CLOSED and stored.fields.get("reopened"):
        if (row.get("result") or "").strip() == (
            stored.fields.get("reopened_result") or ""
        ).strip():
            return [("result", "诉求重新办理后，须填写新的办理结果才能办结")]
    return []
