"""The study ledgers (LEDGERS.md §1): plans, sessions, articles, publicity."""

import random
import re
import secrets

from taizhang.core.audit import action_register
from taizhang.core.campaign import outside_campaign
from taizhang.core.ledger import ORG_WRITERS, Column, Ledger, register
from taizhang.orgs.models import Person

from . import corpus
from .models import MediaLevel, Publicity, StudyArticle, StudyForm, StudyPlan, StudySession

action_register("study.session.signed_in", "扫码签到")
action_register("study.session.attendance", "勾选出勤")
action_register("study.session.planned", "安排学习")
action_register("study.article.similar", "疑似雷同")

LEADER_WRITERS = ORG_WRITERS | {"leader"}
SHOWN_NAMES = 5  # people named in a warning before "等 N 人"
ARTICLE_MAX_CHARS = 50_000  # a study article is a few thousand characters


@register
class StudyPlanLedger(Ledger):
    name = "study_plans"
    title = "学习计划"
    area = "学习"
    model = StudyPlan
    scope_via = "org"
    date_field = "submitted_on"
    columns = [
        Column("计划编号", "code", "code", required=True),
        Column("组织编码", "org", "ref", required=True, ref="orgs"),
        Column("计划名称", "name", "text", required=True),
        Column("提交日期", "submitted_on", "date", required=True),
        Column("计划文件", "document", "file", accept=(".pdf", ".doc", ".docx", ".jpg", ".png")),
        Column("学习安排", "summary", "longtext"),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "org", "name", "submitted_on")
    default_order = "-submitted_on"

    def example_row(self, ex):
        return {
            "code": f"JH-X{ex.n}",
            "org": ex.org,
            "name": f"示例学习计划{ex.n}",
            "submitted_on": "2023-09-20",
        }

    def warn_rows(self, rows, ctx):
        return [
            (index, "submitted_on", message)
            for index, (_, row) in enumerate(rows)
            if (message := outside_campaign(row.get("submitted_on")))
        ]


@register
class StudySessionLedger(Ledger):
    name = "study_sessions"
    title = "学习活动"
    area = "学习"
    model = StudySession
    scope_via = "org"
    date_field = "held_on"
    columns = [
        Column("活动编号", "code", "code", required=True, help="自行编号，如 XX-2023-001"),
        Column("组织编码", "org", "ref", required=True, ref="orgs"),
        Column("学习日期", "held_on", "date", required=True),
        Column("学习形式", "form", "choice", required=True, choices=StudyForm.values),
        Column("学习主题", "topic", "text"),
        Column("参加人员编号", "attendees", "refs", ref="people"),
        Column("学习地点", "place", "text"),
    ]
    search_fields = ("code", "topic")
    list_fields = ("code", "org", "held_on", "form", "topic")
    default_order = "-held_on"
    extra_headers = ("参加人数",)

    def example_row(self, ex):
        return {
            "code": f"XX-X{ex.n}",
            "org": ex.org,
            "held_on": "2023-10-10",
            "form": "支部集中学习",
            "topic": f"示例学习主题{ex.n}",
        }

    def prepare(self, obj, row, ctx):
        if not obj.sign_token:
            obj.sign_token = secrets.token_hex(16)

    def related_links(self, obj):
        from django.urls import reverse

        return [("出勤名单（手机勾选、扫码签到）", reverse("study-attendance", args=[obj.code]))]

    def decorate_rows(self, rows, user):
        """参加人数 of each listed session (one grouped count; the list reads only its
        columns, not every attendee)."""
        from django.db.models import Count

        through = StudySession.attendees.through
        counts = dict(
            through.objects.filter(studysession__code__in=[row["code"] for row in rows])
            .values_list("studysession__code")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            row["_extra"] = [counts.get(row["code"], 0)]

    def warn_rows(self, rows, ctx):
        """Dates outside the campaign, and attendees from outside the session's
        organization: a visiting member (a 流动党员 studying where they live, a leader at
        a liaison unit) is allowed, but the writer confirms it."""
        warnings = []
        for index, (_, row) in enumerate(rows):
            if message := outside_campaign(row.get("held_on")):
                warnings.append((index, "held_on", message))
        outsiders = _attendees_outside(rows, ctx)
        for index, names in outsiders.items():
            shown = "、".join(names[:SHOWN_NAMES])
            more = f"等 {len(names)} 人" if len(names) > SHOWN_NAMES else ""
            warnings.append(
                (
                    index,
                    "attendees",
                    f"{shown}{more}不是本组织（含下级组织）的人员"
                    "（异地参学的流动党员、联系点领导可以保留），请核对",
                )
            )
        return warnings


def _attendees_outside(rows, ctx) -> dict[int, list[str]]:
    """{row index: names of attendees whose organization lies outside the session's}."""
    wanted = {code for _, row in rows for code in row.get("attendees") or []}
    if not wanted:
        return {}
    people = {}
    codes = list(wanted)
    for start in range(0, len(codes), 500):
        people.update(
            (code, (name, path))
            for code, name, path in Person.objects.filter(
                code__in=codes[start : start + 500]
            ).values_list("code", "name", "org__path")
        )
    column = StudySessionLedger.columns[1]
    found = {}
    for index, (_, row) in enumerate(rows):
        org_path = ctx.ref_path(column, row.get("org")) if row.get("org") else None
        if not org_path:
            continue
        names = [
            people[code][0]
            for code in row.get("attendees") or []
            if code in people and not people[code][1].startswith(org_path)
        ]
        if names:
            found[index] = names
    return found


@register
class StudyArticleLedger(Ledger):
    """Study articles (学习体会文章): 正文, or a Word file whose text is taken. Scoped by
    the author's organization; a leader writes their own."""

    name = "study_articles"
    title = "学习体会文章"
    area = "学习"
    model = StudyArticle
    scope_via = "author"
    write_roles = LEADER_WRITERS
    owner_field = "author"
    minimal_also = ("body",)
    owner_message = "领导干部只能填写本人的学习体会文章"
    date_field = "finished_on"
    columns = [
        Column("文章编号", "code", "code", required=True),
        Column("作者人员编号", "author", "ref", required=True, ref="people"),
        Column("文章标题", "title", "text", required=True),
        Column("完成日期", "finished_on", "date", required=True),
        Column("正文", "body", "longtext", max_length=ARTICLE_MAX_CHARS),
        Column("文章附件", "document", "file", accept=(".docx",), help="Word 文档（.docx）"),
    ]
    search_fields = ("code", "title")
    list_fields = ("code", "author", "title", "finished_on")
    default_order = "-finished_on"
    extra_headers = ("最相近文章", "相似度")

    def example_row(self, ex):
        return {
            "code": f"WZ-X{ex.n}",
            "author": ex.ref("people"),
            "title": f"示例学习体会{ex.n}",
            "finished_on": "2023-10-20",
            # Texts of their own (two examples must not read as copies of each other).
            "body": corpus.article(random.Random(ex.n), "基层治理"),
        }

    def check_row(self, row, ctx):
        from .services import document_text

        problems = []
        if not (row.get("body") or "").strip() and not row.get("document"):
            problems.append(("body", "正文与文章附件至少填写一项"))
        if row.get("document"):
            try:
                ctx.cache.setdefault("texts", {})[row["document"]] = document_text(row["document"])
            except ValueError as error:
                problems.append(("document", str(error)))
        return problems

    def warn_rows(self, rows, ctx):
        from .services import article_nearest

        warnings = []
        for index, (_, row) in enumerate(rows):
            if message := outside_campaign(row.get("finished_on")):
                warnings.append((index, "finished_on", message))
        if len(rows) > 20:
            return warnings  # a file: the pairs are listed on 疑似雷同, not row by row
        from taizhang.core.access import rows_for_read

        among = None if ctx.system else rows_for_read(self, ctx.scope)
        for index, (_, row) in enumerate(rows):
            text = _article_text(row, ctx)
            nearest = article_nearest(text, exclude=row.get("code"), among=among)
            if nearest is not None and nearest.similar:
                warnings.append(
                    (
                        index,
                        "body",
                        f"与《{nearest.title}》（{nearest.author}，{nearest.code}）"
                        f"相似度 {nearest.similarity:.2f}，疑似雷同",
                    )
                )
        return warnings

    def prepare(self, obj, row, ctx):
        obj.text = _article_text(row, ctx)

    def after_write(self, changes, ctx):
        from .services import articles_index

        articles_index(
            [
                c.obj
                for c in changes
                if (c.before or {}).get("body") != c.after.get("body")
                or (c.before or {}).get("document") != c.after.get("document")
            ]
        )

    def after_archive(self, obj, *, restore, actor):
        from .services import articles_index

        articles_index([obj], archived=not restore)

    def decorate_rows(self, rows, user):
        from taizhang.core.access import rows_for_read

        from .services import nearest_of

        nearest = nearest_of([row["code"] for row in rows], rows_for_read(self, user))
        for row in rows:
            code, similarity = nearest.get(row["code"], ("", None))
            row["_extra"] = [code, f"{similarity:.2f}" if similarity is not None else ""]


def _article_text(row, ctx) -> str:
    body = (row.get("body") or "").strip()
    if body or not row.get("document"):
        return body
    texts = ctx.cache.setdefault("texts", {})
    if row["document"] not in texts:
        from .services import document_text

        try:
            texts[row["document"]] = document_text(row["document"])
        except ValueError:
            texts[row["document"]] = ""
    return texts[row["document"]]


URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)


def _link(value: str) -> str:
    from taizhang.core.cells import CellError

    if value and not URL.fullmatch(value):
        raise CellError("链接应以 http:// 或 https:// 开头")
    return value


@register
class PublicityLedger(Ledger):
    """Publicity articles: by default the district's (the office keeps the list); an
    organization that reports its own names itself in 报送组织编码."""

    name = "publicity"
    title = "宣传稿件"
    area = "学习"
    model = Publicity
    date_field = "published_on"
    columns = [
        Column("稿件编号", "code", "code", required=True),
        Column("稿件标题", "title", "text", required=True),
        Column("刊发媒体", "media", "text", required=True),
        Column("媒体层级", "level", "choice", required=True, choices=MediaLevel.values),
        Column("刊发日期", "published_on", "date", required=True),
        Column("链接", "link", "text", check=_link),
        Column("报送组织编码", "org", "ref", ref="orgs", help="不填为全区"),
    ]
    search_fields = ("code", "title", "media")
    list_fields = ("code", "title", "media", "level", "published_on")
    default_order = "-published_on"

    def example_row(self, ex):
        return {
            "code": f"GJ-X{ex.n}",
            "title": f"示例稿件{ex.n}",
            "media": "江西日报",
            "level": "省",
            "published_on": "2023-10-15",
            "org": ex.org,
        }

    def scope_org_id(self, row, ctx):
        return ctx.ref_id(self.column("org"), row.get("org")) if row.get("org") else None

    def scope_column(self):
        return self.column("org")
