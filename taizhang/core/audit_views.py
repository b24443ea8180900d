"""The audit page (/audit/) for the security administrator and the auditor: filters,
paging, export to Excel (itself audited). Who may open it: core/access.py
(`may_read_audit`, TAIZHANG_AUDIT_ROLES held over the root organization)."""

import os
import re
import tempfile
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from .access import may_read_audit
from .audit import (
    ACTION_LABELS,
    action_label,
    audit_record,
    audit_search,
    masked_entry_values,
    write_audit_export,
)
from .cells import CellError, parse_date
from .ledger import registry

PAGE_SIZE = 50
FILTERS = ("from", "to", "actor", "action", "ledger", "key", "ip")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _auditor(request) -> None:
    if not may_read_audit(request.user):
        raise PermissionDenied("只有安全管理员和审计员可以查看审计记录")


def _filters(request) -> tuple[dict, dict, list[str]]:
    """(the form's values, audit_search arguments, problems in Chinese)."""
    values = {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}
    problems = []
    dates = {}
    for name, label in (("from", "起始日期"), ("to", "截止日期")):
        try:
            dates[name] = parse_date(values[name])
        except CellError as error:
            problems.append(f"{label}：{error}")
            dates[name] = None
    search = {
        "date_from": dates["from"],
        "date_to": dates["to"],
        "actor": values["actor"],
        "action": values["action"],
        "ledger": values["ledger"],
        "key": values["key"],
        "ip": values["ip"],
    }
    return values, search, problems


def _describe(values: dict) -> str:
    labels = {
        "from": "起始日期",
        "to": "截止日期",
        "actor": "操作人",
        "action": "操作",
        "ledger": "台账",
        "key": "对象",
        "ip": "来源IP",
    }
    parts = [
        f"{labels[k]}：{action_label(v) if k == 'action' else v}" for k, v in values.items() if v
    ]
    return "；".join(parts) or "全部"


# The words of entries that are not a ledger's columns (logins, exports, grants, …) and
# of the lists that are not ledgers, as an auditor reads them.
ROW_ACTIONS = {"create", "update", "archive", "restore"}
KEY_WORDS = {
    "result": "结果",
    "failures": "失败次数",
    "locked_until": "锁定至",
    "source": "来源地址",
    "archived_at": "归档时间",
    "filter": "筛选条件",
    "params": "参数",
    "rows": "行数",
    "file": "文件",
    "role": "角色",
    "org": "组织",
    "cap": "上限",
    "reason": "原因",
    "method": "请求方法",
    "path": "地址",
    "status": "状态码",
    "user": "用户",
    "count": "数量",
    "picked": "所选记录",
}
LIST_TITLES = {"users": "账号", "tokens": "接口令牌", "audit": "审计记录", "system": "系统"}
ROLE_WORDS = {
    "admin": "系统管理员",
    "office": "主题教育办",
    "leader": "领导干部",
    "org_admin": "党组织管理员",
    "inspector": "督导组",
    "member": "党员",
    "security": "安全管理员",
    "auditor": "安全审计员",
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def shown_value(value):
    """A stored value as a person reads it: 是/否, local times, role names, lists."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(shown_value(v)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{KEY_WORDS.get(k, k)}：{shown_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in ROLE_WORDS:
            return ROLE_WORDS[value]
        if _ISO.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            if moment.tzinfo is not None:
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
    return value


def list_title(name: str) -> str:
    return registry[name].title if name in registry else LIST_TITLES.get(name, name)


def _changes(entry) -> list[tuple[str, object, object]]:
    """(column header, before, after) of an entry, personal values masked, in words."""
    ledger = registry.get(entry.ledger)
    headers = {c.field: c.header for c in ledger.columns} if ledger else {}
    # A row's columns name a change of the row; anything else (a refusal's method, path
    # and HTTP status) is in the audit's own words, whatever the ledger's columns are called.
    rowish = (
        entry.action in ROW_ACTIONS or "." in entry.action and not entry.action.startswith("core.")
    )
    headers = {**KEY_WORDS, **headers} if rowish else {**headers, **KEY_WORDS}
    before = masked_entry_values(entry.ledger, entry.before)
    after = masked_entry_values(entry.ledger, entry.after)
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        (
            headers.get(k, k),
            None if before.get(k) is None else shown_value(before.get(k)),
            None if after.get(k) is None else shown_value(after.get(k)),
        )
        for k in keys
        if before.get(k) != after.get(k)
    ][:12]


@login_required
def audit_list(request):
    _auditor(request)
    return _page(request)


def _page(request, status: int = 200):
    values, search, problems = _filters(request)
    status = 400 if problems else status
    entries = audit_search(**search)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.shown_changes = _changes(entry)
        entry.ledger_title = list_title(entry.ledger)
    query = {k: v for k, v in values.items() if v}
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "values": values,
            "problems": problems,
            "query": urlencode(query),
            "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
            "ledgers": [(lg.name, lg.title) for lg in registry.values()]
            + [(name, title) for name, title in LIST_TITLES.items() if name not in registry],
        },
        status=status,
    )


@login_required
def audit_export(request):
    """The filtered entries as an Excel file, itself recorded in the audit."""
    _auditor(request)
    values, search, problems = _filters(request)
    if problems:
        return _page(request)  # 400, saying which date is wrong
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as target:
        path = target.name
    try:
        count = write_audit_export(audit_search(**search), path, masked=True)
        stream = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(path)
    filename = f"审计记录-{timezone.localdate().strftime('%Y%m%d')}.xlsx"
    audit_record(
        actor=request.user,
        action="core.audit.export",
        ledger="audit",
        key="",
        after={"filter": _describe(values), "params": values, "rows": count, "file": filename},
    )
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)
