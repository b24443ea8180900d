"""The ledgers of the org tree, people, work groups and enterprises (LEDGERS.md §1)."""

from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from taizhang.core.ledger import ALL_READERS, Column, Ledger, register
from taizhang.core.pinyin import initials
from taizhang.core.scope import subtree_q
from taizhang.core.tree import district_codes, redistrict, subtree_moved

from .models import (
    Category,
    Enterprise,
    EnterpriseKind,
    Organization,
    OrgKind,
    Person,
    PersonKind,
    WorkGroup,
    path_ids,
    path_segment,
)
from .validators import credit_check_character, credit_code, mobile_number

DEFAULT_CATEGORIES = [
    "机关",
    "事业单位",
    "国有企业",
    "非公企业",
    "社会组织",
    "农村",
    "社区",
    "学校",
]


@register
class CategoryLedger(Ledger):
    name = "categories"
    title = "所属领域"
    area = "组织与人员"
    model = Category
    scope_path = None
    read_roles = ALL_READERS | {"member"}
    write_roles = frozenset({"admin", "office"})
    columns = [
        Column("类别名称", "name", "text", required=True, max_length=40),
        Column("排序", "sort_order", "int", default=0),
    ]
    list_fields = ("name", "sort_order")
    default_order = "sort_order"

    def example_row(self, ex):
        return {"name": f"示例领域{ex.n}", "sort_order": ex.n}


@register
class OrgLedger(Ledger):
    name = "orgs"
    title = "组织"
    area = "组织与人员"
    model = Organization
    tree = True
    district_kind = "区委"  # a row's district key is the code of its 区委-level ancestor
    columns = [
        Column("组织编码", "code", "code", required=True, max_length=64),
        Column("组织名称", "name", "text", required=True, max_length=200),
        Column("上级组织编码", "parent", "ref", ref="orgs", help="根组织不填"),
        Column("组织类别", "kind", "choice", required=True, choices=OrgKind.values),
        Column("所属领域", "category", "ref", ref="categories"),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "name", "parent", "kind", "category")
    default_order = "path"

    def scope_column(self):
        return self.column("parent")

    def scope_path_of(self, row, ctx):
        """An organization that stays under its parent is written by whoever holds it; a
        new or moved one by whoever holds its (new) parent, or its nearest stored ancestor
        when the parent is new in the same file."""
        stored = ctx.existing.get(row["code"])
        parent = row.get("parent") or ""
        if stored is not None and stored.values["parent"] == parent:
            return stored.scope_path
        if not parent:
            return None  # a new root: the operator at the command line only
        parents = ctx.cache.get("org_parent_paths")
        if parents is None:
            codes = list(ctx.ids.get("orgs", {}))
            parents = dict(Organization.objects.filter(code__in=codes).values_list("code", "path"))
            ctx.cache["org_parent_paths"] = parents
        batch = ctx.cache.get("org_batch_parents")
        if batch is None:
            batch = {r["code"]: r.get("parent") or None for _, r in ctx.rows}
            ctx.cache["org_batch_parents"] = batch
        seen = set()
        while parent and parent not in parents and parent not in seen:
            seen.add(parent)
            parent = batch.get(parent)
        return parents.get(parent)

    def check_batch(self, rows, ctx):
        """The tree stays a tree: no cycle, exactly one root. The walk up from each row
        only meets organizations of this file or on the stored paths of the parents it
        names, so only those are read, not the whole tree."""
        batch_parent = {row["code"]: row.get("parent") or None for _, row in rows}
        named = {p for p in batch_parent.values() if p}
        paths = Organization.objects.filter(code__in=named).values_list("path", flat=True)
        ancestors = {pk for path in paths for pk in path_ids(path)}
        parent_of = dict(
            Organization.objects.filter(id__in=ancestors).values_list("code", "parent__code")
        )
        parent_of.update(batch_parent)
        has_root = Organization.objects.filter(parent=None).exists()
        problems = []
        for index, (_, row) in enumerate(rows):
            code, parent = row["code"], row.get("parent")
            if not parent:
                stored = ctx.existing.get(code)
                if has_root and not (stored is not None and not stored.values["parent"]):
                    problems.append((index, "parent", "除根组织外必须填写上级组织编码"))
                continue
            seen, cursor = {code}, parent
            while cursor is not None:
                if cursor in seen:
                    problems.append(
                        (index, "parent", f"“{parent}”是本组织或其下级，组织树不能成环")
                    )
                    break
                seen.add(cursor)
                cursor = parent_of.get(cursor)
        return problems

    def example_row(self, ex):
        return {
            "code": f"{ex.org}-X{ex.n}",
            "name": f"示例党支部{ex.n}",
            "parent": ex.org,
            "kind": "党支部",
        }

    extra_headers = ("下级组织", "本级人员")

    def decorate_rows(self, rows, user):
        """An indented tree (rows come in path order), with each organization's direct
        sub-organizations and people — counted in two grouped queries, people through
        the read door."""
        from django.core.exceptions import PermissionDenied
        from django.db.models import Count

        from taizhang.core.access import rows_for_read
        from taizhang.core.ledger import registry

        codes = [row["code"] for row in rows]
        orgs = dict(
            (code, (pk, depth))
            for code, pk, depth in Organization.objects.filter(code__in=codes).values_list(
                "code", "pk", "depth"
            )
        )
        ids = [pk for pk, _ in orgs.values()]
        children = dict(
            Organization.objects.filter(parent_id__in=ids, archived_at=None)
            .values_list("parent_id")
            .annotate(n=Count("pk"))
        )
        try:
            readable = rows_for_read(registry["people"], user)
            people = dict(
                readable.filter(org_id__in=ids).values_list("org_id").annotate(n=Count("pk"))
            )
        except PermissionDenied:
            people = None
        top = min((depth for _, depth in orgs.values()), default=0)
        for row in rows:
            pk, depth = orgs.get(row["code"], (None, top))
            row["_indent"] = depth - top
            row["_extra"] = (
                children.get(pk, 0),
                "" if people is None else people.get(pk, 0),
            )

    def related_links(self, obj):
        from urllib.parse import urlencode

        from django.urls import reverse

        query = urlencode({"org": obj.code})
        return [
            (f"{title}（含下级）", f"{reverse('ledger-list', args=[name])}?{query}")
            for name, title in (("orgs", "组织"), ("people", "人员"), ("enterprises", "属地企业"))
        ]

    def archive_blocker(self, obj):
        """Rows hanging on it are checked by the engine; grants are not a ledger's."""
        grants = obj.grants.count()
        if grants:
            return f"“{obj.code}”上还有 {grants} 个账号授权，请先收回授权后再归档本组织"
        return None

    def after_write(self, changes, ctx):
        """New organizations get their paths; moved ones (several in one file, in any
        order) are carried with their subtrees and every row scoped under them; a change
        of 组织类别 to or from 区委 recomputes the district keys below."""
        objs = [change.obj for change in changes]
        _place_new(objs)
        _settle_moves(objs)
        for change in changes:
            kinds = {change.after.get("kind"), (change.before or {}).get("kind")}
            if change.before is not None and len(kinds) == 2 and self.district_kind in kinds:
                redistrict(change.obj.path)
        current = dict(
            Organization.objects.filter(id__in=[o.pk for o in objs]).values_list("id", "path")
        )
        for org in objs:
            org.path = org.scope_path = current[org.pk]
            org.depth = org.path.count(".") - 1


def _place_new(objs) -> None:
    """Paths of new organizations, parents first (a parent may be new in the same file)."""
    fresh = {o.pk: o for o in objs if not o.path}
    if not fresh:
        return
    stored = dict(
        Organization.objects.filter(
            id__in={o.parent_id for o in fresh.values()} - set(fresh)
        ).values_list("id", "path")
    )
    placed: dict[int, str] = {}
    while len(placed) < len(fresh):
        for org in fresh.values():
            if org.pk in placed:
                continue
            if org.parent_id is None:
                placed[org.pk] = path_segment(org.pk)
            elif org.parent_id in placed:
                placed[org.pk] = placed[org.parent_id] + path_segment(org.pk)
            elif org.parent_id not in fresh:
                placed[org.pk] = stored[org.parent_id] + path_segment(org.pk)
    districts = district_codes(placed.values())
    for org in fresh.values():
        org.path = org.scope_path = placed[org.pk]
        org.depth = org.path.count(".") - 1
        org.district = districts.get(org.path, org.district)
    Organization.objects.bulk_update(
        list(fresh.values()), ["path", "scope_path", "depth", "district"], batch_size=500
    )


def _settle_moves(objs) -> None:
    """Move, one at a time and shallowest first, each organization whose path is not its
    parent's path plus itself, reading the paths again after every move: a new parent may
    itself lie under an organization moved by the same file."""
    ids = [o.pk for o in objs]
    for _ in range(len(objs) + 1):
        rows = list(Organization.objects.filter(id__in=ids).values_list("id", "parent_id", "path"))
        parents = dict(
            Organization.objects.filter(id__in={p for _, p, _ in rows if p}).values_list(
                "id", "path"
            )
        )
        wrong = [
            (path, (parents[parent] if parent else "") + path_segment(pk))
            for pk, parent, path in rows
            if path != (parents[parent] if parent else "") + path_segment(pk)
        ]
        if not wrong:
            return
        old_path, new_path = min(wrong, key=lambda w: w[1].count("."))
        shift = new_path.count(".") - old_path.count(".")
        Organization.objects.filter(subtree_q("path", old_path)).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + shift,
        )
        subtree_moved(old_path, new_path)


@register
class PeopleLedger(Ledger):
    name = "people"
    title = "人员"
    area = "组织与人员"
    model = Person
    columns = [
        Column("人员编号", "code", "code", required=True, max_length=64),
        Column("姓名", "name", "text", required=True, max_length=64),
        Column("所在组织编码", "org", "ref", required=True, ref="orgs"),
        Column("职务", "title", "text", max_length=100),
        Column(
            "手机号码",
            "mobile",
            "code",
            check=mobile_number,
            help="11 位大陆手机号码",
            personal="mobile",
            inputmode="tel",
        ),
        Column("县处级领导", "is_leader", "bool", default=False),
        Column("党员", "is_member", "bool", default=True),
        Column("人员类别", "kinds", "choices", choices=PersonKind.values),
        Column(
            "联系点组织编码",
            "liaison_orgs",
            "refs",
            ref="orgs",
            help="县处级领导的联系点，可填多个",
        ),
    ]
    scope_via = "org"
    search_fields = ("code", "name", "name_initials", "mobile")
    list_fields = ("code", "name", "org", "title", "mobile", "is_leader", "is_member", "kinds")
    default_order = "code"

    def example_row(self, ex):
        return {"code": f"P{ex.n:05d}", "name": f"示例{ex.n}", "org": ex.org}

    def prepare(self, obj, row, ctx):
        obj.name_initials = initials(obj.name)


@register
class WorkGroupLedger(Ledger):
    name = "work_groups"
    title = "工作组"
    area = "调度"
    model = WorkGroup
    columns = [
        Column("工作组编码", "code", "code", required=True, max_length=64),
        Column("工作组名称", "name", "text", required=True, max_length=100),
        Column("组长人员编号", "leader", "ref", ref="people"),
        Column("成员人员编号", "members", "refs", ref="people"),
    ]
    search_fields = ("code", "name")
    list_fields = ("code", "name", "leader", "members")
    default_order = "code"
    # A work group belongs to its leader's organization (and follows the leader when
    # they move); with no leader, to the organization of whoever created it.
    scope_via = "leader"

    def example_row(self, ex):
        return {"code": f"WG-X{ex.n}", "name": f"示例工作组{ex.n}", "leader": ex.ref("people")}


@register
class EnterpriseLedger(Ledger):
    name = "enterprises"
    title = "企业"
    area = "组织与人员"
    model = Enterprise
    columns = [
        Column("统一社会信用代码", "credit_code", "code", required=True, check=credit_code),
        Column("企业名称", "name", "text", required=True, max_length=200),
        Column("企业类别", "kind", "choice", choices=EnterpriseKind.values),
        Column("属地组织编码", "local_org", "ref", ref="orgs"),
        Column("包联干部人员编号", "cadres", "refs", ref="people"),
    ]
    search_fields = ("credit_code", "name", "name_initials")
    list_fields = ("credit_code", "name", "kind", "local_org", "cadres")
    default_order = "credit_code"
    # Scoped by its 属地组织; with none, by the organization of whoever registered it.
    scope_via = "local_org"

    def example_row(self, ex):
        body = f"91360111MA{ex.n:07d}"[:17]
        return {
            "credit_code": body + credit_check_character(body),
            "name": f"示例企业{ex.n}有限公司",
            "local_org": ex.org,
        }

    def prepare(self, obj, row, ctx):
        obj.name_initials = initials(obj.name)
