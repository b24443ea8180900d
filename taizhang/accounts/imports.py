"""Importing accounts from a spreadsheet (用户名*, 姓名*, 人员编号, 角色*, 授权组织编码*,
手机号码): one org_admin per branch for a thousand branches in one go, all or nothing.

Not a ledger of the engine: an account is not a ledger row (no scope path, several
grants per user, a password generated on creation and delivered once), and the engine's
generic edit, archive and API routes would bypass the rules of who may grant what. It
is built on the engine's spreadsheet reader instead — `read_cells_safely` (structure
checked, read in a child process under memory and time limits) and `find_table` (title
rows, free column order, `*` in headers) — and answers like a ledger import: a preview
first, problems named by row and column in Chinese, nothing written unless all is well.

A row whose 用户名 exists already (with the same 姓名, among the users the importer
manages) adds its grant to that account; the same 用户名 on several rows is one account
with several grants. A file imported twice changes nothing the second time."""

import re
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from taizhang.core.cells import CellError, parse_code, parse_ref_code, parse_text
from taizhang.core.ledger_files import check_size, read_limits
from taizhang.core.scope import scope_for
from taizhang.core.source import importing
from taizhang.core.spreadsheet import FileProblem, SheetWriter, find_table, read_cells_safely

from .managing import (
    OFFICE_GRANTS,
    Refused,
    accounts_create,
    check_grant,
    grants_add_bulk,
    managed_q,
    people_linkable,
    users_managed,
)
from .models import EXCLUSIVE_ROLES, Grant, Role, User

HEADERS = ["用户名", "姓名", "人员编号", "角色", "授权组织编码", "手机号码"]
REQUIRED = ["用户名", "姓名", "角色", "授权组织编码"]
ROLE_BY_WORD = {**{r.value: r.value for r in Role}, **{r.label: r.value for r in Role}}
MOBILE = re.compile(r"^1\d{10}$")
_username = UnicodeUsernameValidator()


@dataclass
class Problem:
    row: int
    header: str
    value: str
    message: str

    def line(self) -> str:
        return f"第{self.row}行 {self.header}: {self.message}"


@dataclass
class AccountsOutcome:
    problems: list[Problem] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)  # specs of new accounts
    added: list[tuple] = field(default_factory=list)  # (user, role, org) for existing ones
    unchanged: int = 0
    token: str = ""  # the password file, after a commit that created accounts
    key: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"新建账号 {len(self.created)} 个，为已有账号增加授权 {len(self.added)} 项，"
            f"未变 {self.unchanged} 行"
        )


def _chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def accounts_import(*, actor, content: bytes, filename: str, dry_run: bool) -> AccountsOutcome:
    """Read, check and (unless dry_run or any problem) write. FileProblem if unreadable."""
    from taizhang.orgs.models import Organization

    check_size(len(content))
    cells = read_cells_safely(content, filename, read_limits())
    table = find_table(cells, HEADERS, REQUIRED)
    if not table.rows:
        raise FileProblem("文件中没有数据行")
    outcome = AccountsOutcome()

    def problem(number, header, value, message):
        outcome.problems.append(Problem(number, header, parse_text(value), message))

    rows = []
    for number, raw in table.rows:
        row = {"number": number}
        for header, parse in (
            ("用户名", parse_text),
            ("姓名", parse_text),
            ("人员编号", parse_code),
            ("角色", parse_text),
            ("授权组织编码", parse_ref_code),
            ("手机号码", parse_code),
        ):
            try:
                row[header] = parse(raw.get(header))
            except CellError as error:
                problem(number, header, raw.get(header), str(error))
                row[header] = None
        rows.append(row)

    orgs, people, existing = {}, {}, {}
    for codes in _chunks({r["授权组织编码"] for r in rows if r["授权组织编码"]}):
        orgs.update((o.code, o) for o in Organization.objects.filter(code__in=codes))
    person_codes = {r["人员编号"] for r in rows if r["人员编号"]}
    linkable = people_linkable(actor, linked_too=True) if person_codes else None
    holders: dict[int, str] = {}  # person id -> the username of the account holding it
    for codes in _chunks(person_codes):
        found = list(linkable.filter(code__in=codes))
        people.update((p.code, p) for p in found)
        holders.update(User.objects.filter(person__in=found).values_list("person_id", "username"))
    linked: dict[str, str] = {}  # person code -> the username of this file that takes it
    for names in _chunks({r["用户名"] for r in rows if r["用户名"]}):
        existing.update((u.username, u) for u in User.objects.filter(username__in=names))
    managed = set()
    if existing:
        managed = set(
            users_managed(actor)
            .filter(pk__in=[u.pk for u in existing.values()])
            .values_list("pk", flat=True)
        )
    held = {}
    for user_ids in _chunks([u.pk for u in existing.values()]):
        for user_id, role, org_id in Grant.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "role", "org_id"
        ):
            held.setdefault(user_id, set()).add((role, org_id))

    new_specs: dict[str, dict] = {}
    seen: dict[tuple, int] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        number = row["number"]
        username, name = row["用户名"], row["姓名"]
        role_word, code = row["角色"], row["授权组织编码"]
        bad = len(outcome.problems)
        for header in REQUIRED:
            if row[header] == "":
                problem(number, header, "", "必填")
        if username:
            try:
                _username(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                problem(
                    number,
                    "用户名",
                    username,
                    "只能包含字母、数字、汉字和 @ . + - _，最多 150 个字符",
                )
        if name and len(name) > 64:
            problem(number, "姓名", name, "最多 64 个字符")
        role = ROLE_BY_WORD.get(role_word) if role_word else None
        if role_word and role is None:
            labels = "、".join(Role.labels)
            problem(number, "角色", role_word, f"未知角色（可选：{labels}）")
        org = orgs.get(code) if code else None
        if code and (org is None or org.archived_at is not None):
            problem(number, "授权组织编码", code, f"组织“{code}”不存在或不在您的管理范围内")
            org = None
        person = None
        if row["人员编号"]:
            person = people.get(row["人员编号"])
            taken_by = linked.setdefault(row["人员编号"], row["用户名"])
            holder = holders.get(person.pk) if person is not None else None
            if holder is not None and holder != row["用户名"]:
                problem(
                    number,
                    "人员编号",
                    row["人员编号"],
                    f"人员“{row['人员编号']}”已关联账号“{holder}”",
                )
                person = None
            elif person is not None and taken_by != row["用户名"]:
                problem(
                    number,
                    "人员编号",
                    row["人员编号"],
                    f"人员“{row['人员编号']}”已由本文件的账号“{taken_by}”关联",
                )
                person = None
            elif person is None:
                problem(
                    number,
                    "人员编号",
                    row["人员编号"],
                    f"人员“{row['人员编号']}”不存在或不在您的管理范围内",
                )
        mobile = row["手机号码"] or ""
        if mobile and not MOBILE.match(mobile):
            problem(number, "手机号码", mobile, "应为 11 位手机号码")
        user = existing.get(username) if username else None
        if user is not None and (user.pk not in managed or user.display_name != name):
            problem(number, "用户名", username, f"用户名“{username}”已被其他账号使用，请换一个")
            user = None
        if role and org is not None:
            try:
                check_grant(actor, user, role, org)
            except Refused as refused:
                if refused.field == "org":
                    problem(number, "授权组织编码", code, str(refused).rstrip("。"))
                else:
                    problem(number, "角色", role_word, str(refused).rstrip("。"))
        if len(outcome.problems) > bad or not (username and role and org is not None):
            continue
        grant_key = (username, role, org.pk)
        if grant_key in seen:
            problem(
                number, "用户名", username, f"与第{seen[grant_key]}行重复（同一账号、角色与组织）"
            )
            continue
        seen[grant_key] = number
        if user is not None:
            if (role, org.pk) in held.get(user.pk, set()):
                outcome.unchanged += 1
            else:
                outcome.added.append((user, role, org))
                held.setdefault(user.pk, set()).add((role, org.pk))
            roles = {r for r, _ in held.get(user.pk, set())}
        else:
            spec = new_specs.get(username)
            if spec is None:
                spec = new_specs[username] = {
                    "username": username,
                    "display_name": name,
                    "person": person,
                    "mobile": mobile,
                    "grants": [],
                    "row": number,
                }
                first_row[username] = number
            elif spec["display_name"] != name:
                problem(number, "姓名", name, f"与第{first_row[username]}行同一用户名的姓名不一致")
                continue
            spec["grants"].append((role, org))
            roles = {r for r, _ in spec["grants"]}
        exclusive = roles & EXCLUSIVE_ROLES
        if len(exclusive) > 1:
            labels = "、".join(Role(r).label for r in sorted(exclusive))
            problem(
                number,
                "角色",
                role_word,
                f"三员分立：同一账号不能同时担任系统管理员、安全管理员、安全审计员中的两个（{labels}）",
            )

    outcome.problems.sort(key=lambda p: (p.row, HEADERS.index(p.header)))
    outcome.created = list(new_specs.values())
    if dry_run or outcome.problems:
        return outcome
    with transaction.atomic(), importing(filename):
        grants_add_bulk(actor=actor, additions=outcome.added, via_file=filename)
        if outcome.created:
            outcome.token, outcome.key = accounts_create(
                actor=actor, specs=outcome.created, purpose="批量导入", via_file=filename
            )
    return outcome


def write_template(target, actor) -> None:
    """An empty accounts file: the headers (* required), a drop-down of the roles the
    importer may grant and, on a hidden sheet, the organizations they manage."""
    from taizhang.orgs.models import Organization

    writer = SheetWriter(target, "账号")
    writer.write_row([h + ("*" if h in REQUIRED else "") for h in HEADERS], header=True)
    for col, width in enumerate((16, 12, 14, 16, 36, 14)):
        writer.sheet.set_column(col, col, width, writer.text_format)
    lists = writer.workbook.add_worksheet("选项")
    query = managed_q(actor, "path")
    orgs = Organization.objects.filter(archived_at=None)
    if query is not None:
        orgs = orgs.filter(query)
    roles = [Role(r).label for r in _roles_offered(actor)]
    lists.write_string(0, 0, "角色")
    for index, label in enumerate(roles, start=1):
        lists.write_string(index, 0, label)
    lists.write_string(0, 1, "授权组织编码")
    count = 0
    for count, (code, name) in enumerate(
        orgs.order_by("path").values_list("code", "name")[:20000], start=1
    ):
        lists.write_string(count, 1, f"{code} {name}")
    if roles:
        writer.sheet.data_validation(
            1, 3, 2000, 3, {"validate": "list", "source": f"=选项!$A$2:$A${len(roles) + 1}"}
        )
    if count:
        writer.sheet.data_validation(
            1,
            4,
            2000,
            4,
            {
                "validate": "list",
                "source": f"=选项!$B$2:$B${count + 1}",
                "error_type": "information",
            },
        )
    writer.sheet.freeze_panes(1, 0)
    lists.hide()
    writer.close()


def _roles_offered(actor) -> list[str]:
    if scope_for(actor).holds({Role.ADMIN}):
        return list(Role.values)
    return [r.value for r in OFFICE_GRANTS]
