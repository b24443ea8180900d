"""Pages of every ledger, derived from its declaration: list, detail, forms, files."""

import io
import os
import tempfile
import uuid
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import tree, tree_panel
from .access import (
    export_cap,
    fetch_for_read,
    fetch_for_write,
    masker,
    may_read,
    may_write,
    org_path_for_read,
    refuse_write,
    row_writable,
    rows_for_read,
    shown_rows,
    shown_values,
)
from .attachments import attachment_response, attachments_named, store_uploads
from .audit import audit_history, audit_record
from .batch import ACTIONS, batch_archive, batch_rows, batch_set, settable_columns, too_many
from .cells import CellError, parse_date
from .figures import UnknownOrg, figure_registry, window_for
from .forms import form_fields, form_values, raw_row_from_post
from .ledger import Ledger, registry
from .ledger_files import (
    ledger_import,
    uploaded_file,
    write_errors,
    write_export,
    write_template,
)
from .ledger_read import ledger_search, search_record
from .ledger_write import ArchiveRefused, ledger_archive, ledger_write
from .models import ImportPreview
from .names import named, ref_names
from .scope import scope_for
from .spreadsheet import FileProblem

PAGE_SIZE = 50
PAGE_SIZES = (20, 50, 100, 200)


def _page_numbers(page) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and two either side (None = a gap)."""
    last, here = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(max(1, here - 2), min(last, here + 2) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


PREVIEW_HOURS = 24  # an import preview not committed by then is forgotten
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ledger(name: str) -> Ledger:
    if name not in registry:
        raise Http404("没有这个台账")
    return registry[name]


def _writable(ledger: Ledger, user) -> None:
    refuse_write(ledger, user)  # 403, recorded, unless they write it somewhere


def _int(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


@login_required
def org_picker(request):
    """The org-tree picker: search by code or name, or open a node's children (htmx)."""
    orgs = tree.org_pick(
        scope_for(request.user),
        q=request.GET.get("q", "").strip(),
        parent=request.GET.get("parent", ""),
    )
    return render(
        request,
        "core/_org_picker_results.html",
        {"orgs": orgs, "counts": tree.children_counts(orgs)},
    )


@login_required
def ledger_tree(request, name):
    """The children of one node of a list's org tree, with counts (htmx, lazily)."""
    ledger = _ledger(name)
    if ledger.scope_path is None or not may_read(ledger, request.user):
        raise Http404("没有组织树")
    nodes = tree_panel.children(ledger, request.user, request.GET.get("parent", ""))
    return render(
        request,
        "core/_tree_nodes.html",
        {
            "ledger": ledger,
            "nodes": nodes,
            "base_query": _query_without(request.GET, "org", "parent"),
        },
    )


def _query_without(data, *names) -> str:
    return urlencode({k: v for k, v in data.items() if k not in (*names, "page")})


@login_required
def ledger_index(request):
    """The ledgers the user may read, grouped by area, each with its rows in scope."""
    areas: dict[str, list] = {}
    for ledger in registry.values():
        if may_read(ledger, request.user):
            count = rows_for_read(ledger, request.user).count()
            areas.setdefault(ledger.area, []).append((ledger, count))
    return render(request, "core/ledger_index.html", {"areas": areas})


def _search_params(request, ledger: Ledger, data=None) -> dict:
    """The list's filter from its query string (`data`: another one, as a batch form
    carries the list's query along)."""
    data = request.GET if data is None else data
    filters = {
        c.field: data[f"f_{c.field}"]
        for c in ledger.filter_columns()
        if data.get(f"f_{c.field}") in c.filter_values
    }
    params = {
        "q": data.get("q", ""),
        "org": data.get("org", ""),
        "filters": filters,
        "sort": data.get("sort", ""),
        "archived": data.get("archived") == "1",
    }
    if key := data.get("figure"):
        params.update(_drill_down(request, ledger, key, params["org"], data))
        params["archived"] = False  # a figure counts live rows
    return params


def _drill_down(request, ledger: Ledger, key: str, org: str, data) -> dict:
    """A figure's rows: the figure and its window (404 for an unknown figure or an
    organization outside scope, as for any row outside it)."""
    figure = figure_registry.get(key)
    if figure is None or figure.ledger != ledger.name:
        raise Http404("没有这个统计数字")
    try:
        start = parse_date(data.get("from", ""))
        end = parse_date(data.get("to", ""))
        window = window_for(scope_for(request.user), org=org, date_from=start, date_to=end)
    except (CellError, UnknownOrg) as error:
        raise Http404(str(error)) from None
    return {"figure": figure, "window": window}


@login_required
def ledger_list(request, name):
    ledger = _ledger(name)
    params = _search_params(request, ledger)
    page_size = min(max(_int(request.GET.get("page_size"), PAGE_SIZE), 10), max(PAGE_SIZES))
    rows = ledger_search(ledger, request.user, **params)
    page = Paginator(rows.only("pk"), page_size).get_page(request.GET.get("page"))
    columns = [ledger.column(f) for f in ledger.list_fields] or ledger.columns
    writable = may_write(ledger, request.user)
    picking = ("restore" if params["archived"] else "write") if writable else "read"
    rows_html = _rows_html(ledger, columns, page.object_list, request.user, picking=picking)
    query = {k: v for k, v in request.GET.items() if k != "page"}
    context = {
        "ledger": ledger,
        "page": page,
        "page_numbers": _page_numbers(page),
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "rows_html": rows_html,
        "columns": columns,
        "table_width": len(columns) + len(ledger.extra_headers) + 2,
        "params": params,
        "writable": writable,
        "settable": settable_columns(ledger) if writable and not params["archived"] else [],
        "query": urlencode(query),
        "list_query": urlencode({k: v for k, v in query.items() if k != "page_size"}),
        "query_items": list(query.items()),
        "sort_query": urlencode({k: v for k, v in query.items() if k != "sort"}),
        "base_query": _query_without(request.GET, "org"),
    }
    if ledger.scope_path is not None and not request.headers.get("HX-Request"):
        context["tree"] = tree_panel.panel(ledger, request.user, params["org"])
    template = (
        "core/_ledger_table.html" if request.headers.get("HX-Request") else "core/ledger_list.html"
    )
    return render(request, template, context)


@login_required
def ledger_detail(request, name, key):
    ledger = _ledger(name)
    obj = fetch_for_read(ledger, request.user, key, archived=None)
    values = shown_values(ledger, request.user, obj)
    headers = {c.field: c.header for c in ledger.columns}
    return render(
        request,
        "core/ledger_detail.html",
        {
            "ledger": ledger,
            "obj": obj,
            "key": key,
            "fields": _detail_fields(ledger, key, values, request.user),
            "history": _history(ledger, obj, key, request.user),
            "links": ledger.related_links(obj),
            "headers": headers,
            "writable": row_writable(ledger, request.user, obj),
        },
    )


def _history(ledger: Ledger, obj, key: str, user) -> list:
    """The row's audit entries as the user may see them: personal values masked as on
    the row itself, the actor by display name, the source when not this site's pages
    (an import with its file, the API, the command line). The entries are read-only
    copies; nothing here is saved."""
    from django.contrib.auth import get_user_model

    entries = audit_history(ledger=ledger.name, key=key)
    mask = masker(ledger, user)
    path = obj.scope_path if ledger.scope_path is not None else None
    ids = {e.actor_id for e in entries if e.actor_id}
    names = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=ids)}
    for entry in entries:
        if mask is not None:
            entry.before = mask(entry.before, path) if isinstance(entry.before, dict) else None
            entry.after = mask(entry.after, path) if isinstance(entry.after, dict) else None
        entry.who = names.get(entry.actor_id) or entry.actor_name
        entry.source_label = source_label(entry.via)
    return entries


def source_label(via: str) -> str:
    """Where an entry came from, as a history line says it ("" for this site's pages)."""
    from .source import API, CLI, IMPORT

    if via.startswith(IMPORT + "："):
        return f"导入文件“{via[len(IMPORT) + 1 :]}”"
    return {API: "通过接口", CLI: "命令行"}.get(via, "")


def _rows_html(ledger: Ledger, columns, objs, user, *, numbered: bool = False, picking=None) -> str:
    """The table rows of a list page: a checkbox to pick the row and an 操作 column when
    `picking` ("write" adds 编辑/归档, "restore" 恢复), or, `numbered`, 序号 first for
    the print. Built here rather than in the template: fifty rows of ten cells through
    template tags took more time than the query behind them."""
    link = reverse("ledger-detail", args=[ledger.name, "KEY"]).replace("KEY/", "")
    out = []
    wanted = columns if ledger.key in columns else [ledger.key, *columns]
    rows = shown_rows(ledger, user, objs, wanted)
    names = ref_names(user, columns, rows)
    ledger.decorate_rows(rows, user)
    labels = [escape(c.header) for c in columns]  # a phone shows each cell's header
    extra_labels = [escape(h) for h in ledger.extra_headers]
    for number, values in enumerate(rows, start=1):
        cells = [escape(named(c, values[c.field], names.get(c.field))) for c in columns]
        key = escape(values[ledger.key.field])
        href = f"{link}{quote(str(values[ledger.key.field]), safe='')}/"
        indent = min(values.get("_indent", 0), 8)
        shift = f' class="indent-{indent}"' if indent else ""
        first = f'<td data-label="{labels[0]}"{shift}><a href="{href}">{cells[0]}</a></td>'
        lead = f'<td class="n">{number}</td>' if numbered else ""
        tail = ""
        if picking is not None:
            lead = (
                f'<td class="pick"><input class="form-check-input" type="checkbox" name="keys"'
                f' value="{key}" aria-label="选择 {key}"></td>'
            )
            ops = [f'<a href="{href}">查看</a>']
            if picking == "write":
                ops.append(f'<a href="{href}edit/">编辑</a>')
            if picking in ("write", "restore"):
                label = "归档" if picking == "write" else "恢复"
                ops.append(
                    f'<button class="btn btn-link btn-sm p-0 align-baseline" name="one"'
                    f' value="{key}">{label}</button>'
                )
            tail = f'<td class="ops text-nowrap">{" · ".join(ops)}</td>'
        body = "".join(
            f'<td data-label="{label}">{c}</td>'
            for label, c in zip(labels[1:], cells[1:], strict=True)
        )
        body += "".join(
            f'<td data-label="{label}">{escape(value)}</td>'
            for label, value in zip(extra_labels, values.get("_extra", ()), strict=False)
        )
        out.append(f"<tr>{lead}{first}{body}{tail}</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every cell is escaped above


@login_required
def ledger_print(request, name):
    """The whole filtered list on paper (up to PRINT_MAX_ROWS rows, said above the table when
    capped): the title once, the filter in words, the print date, 序号, page numbers."""
    ledger = _ledger(name)
    params = _search_params(request, ledger)
    rows = ledger_search(ledger, request.user, **params)
    total = rows.count()
    shown = min(total, settings.PRINT_MAX_ROWS)
    columns = [ledger.column(f) for f in ledger.list_fields] or ledger.columns
    query = urlencode(request.GET)
    context = {
        "ledger": ledger,
        "columns": columns,
        "rows_html": _rows_html(ledger, columns, rows[:shown], request.user, numbered=True),
        "total": total,
        "shown": shown,
        "capped": total > shown,
        "filter_words": _filter_words(ledger, request.user, params),
        "today": timezone.localdate(),
        "back": reverse("ledger-list", args=[name]) + (f"?{query}" if query else ""),
    }
    return render(request, "core/ledger_print.html", context)


def _filter_words(ledger: Ledger, user, params: dict) -> str:
    """The list's filter, as a clerk would say it."""
    words = []
    if params.get("figure"):
        words.append(f"统计数字“{params['figure'].label}”")
        if described := params["window"].describe():
            words.append(described)
    if params["org"]:
        org = params["org"]
        path = org_path_for_read(user, org)  # an organization out of scope is not named
        words.append(f"组织 {tree.org_named_at(path) if path else org} 及其下级")
    if params["q"].strip():
        words.append(f"搜索“{params['q'].strip()}”")
    for field_name, value in params["filters"].items():
        words.append(f"{ledger.column(field_name).header}：{value}")
    if params["archived"]:
        words.append("已归档")
    if sort := params["sort"]:
        column = next((c for c in ledger.columns if c.field == sort.lstrip("-")), None)
        if column is not None:
            words.append(f"按{column.header}{'降序' if sort.startswith('-') else '升序'}")
    return "，".join(words) or "全部"


def _detail_fields(ledger: Ledger, key: str, values: dict, user) -> list[tuple]:
    """(column, shown value, link) of each column; attachments link to their download,
    references show the referenced row's name beside its code."""
    files = attachments_named(values[c.field] for c in ledger.columns if c.kind.name == "file")
    names = ref_names(user, ledger.columns, [values])
    fields = []
    for column in ledger.columns:
        value, link = named(column, values[column.field], names.get(column.field)), ""
        if column.kind.name == "file" and value in files:
            value = files[value].name
            link = reverse("ledger-file", args=[ledger.name, key, column.field])
        fields.append((column, value, link))
    return fields


@login_required
def ledger_file(request, name, key, field):
    """An attachment of a row, to those who may read the row."""
    ledger = _ledger(name)
    obj = fetch_for_read(ledger, request.user, key, archived=None)
    column = next((c for c in ledger.columns if c.field == field), None)
    if column is None or column.kind.name != "file":
        raise Http404("附件不存在")
    attachment = attachments_named([ledger.values(obj)[field]]).get(ledger.values(obj)[field])
    if attachment is None:
        raise Http404("附件不存在")
    return attachment_response(attachment)


@login_required
def ledger_edit(request, name, key=None):
    ledger = _ledger(name)
    _writable(ledger, request.user)
    obj = fetch_for_write(ledger, request.user, key) if key else None
    values, errors, warnings = form_values(ledger, obj), {}, []
    if request.method == "POST":
        raw = raw_row_from_post(ledger, request.POST, editing=obj is not None)
        if obj is not None:
            raw[ledger.key.field] = key
        try:
            raw.update(store_uploads(ledger=ledger, actor=request.user, files=request.FILES))
        except FileProblem as problem:
            errors = {problem.field: str(problem)}
        if not errors:
            outcome = ledger_write(
                ledger=ledger,
                actor=request.user,
                rows=[(None, raw)],
                mode="update" if obj else "create",
                confirmed=request.POST.get("confirm_warnings") == "1",
            )
            if outcome.ok and not outcome.held:
                messages.success(request, f"{ledger.title}“{raw[ledger.key.field]}”已保存。")
                return redirect("ledger-detail", name, ledger.key.parse(raw[ledger.key.field]))
            errors = {p.field: p.message for p in outcome.problems}
            warnings = outcome.warnings
        values = {**values, **raw}
    return render(
        request,
        "core/ledger_form.html",
        {
            "ledger": ledger,
            "obj": obj,
            "key": key,
            "fields": form_fields(ledger, values, errors, {w.field: w.message for w in warnings}),
            "errors": errors,
            "warnings": warnings,
            "warning_lines": [w.line() for w in warnings],
            "tree_name": tree.tree_ledger().name,
        },
    )


PICK_LIMIT = 15
CHECK_KEY = "（新）"


@login_required
def ledger_pick(request, name):
    """Rows another ledger's reference column may name, matching what is typed (code,
    name, pinyin initials where the target ledger keeps them): the form's suggestions for
    a column that names a row of one of several ledgers (调研对象编码)."""
    ledger = _ledger(name)
    try:
        column = ledger.column(request.GET.get("field", ""))
    except KeyError:
        raise Http404("没有这一列") from None
    q = request.GET.get(column.field, "").strip()
    found = []
    for target_name in column.targets if q else ():
        target = registry[target_name]
        try:
            rows = ledger_search(target, request.user, q=q)[:PICK_LIMIT]
        except PermissionDenied:
            continue
        label = target.name_column
        for obj in rows:
            found.append(
                (target.key_of(obj), getattr(obj, label.attr, "") if label else "", target.title)
            )
    return render(request, "core/_ref_pick.html", {"found": found})


@require_POST
@login_required
def ledger_check(request, name):
    """What saving the form as it stands would warn about (a dry run, nothing written):
    the form of a ledger with `live_warnings` asks as its fields change."""
    ledger = _ledger(name)
    _writable(ledger, request.user)
    key = request.GET.get("key", "")
    obj = fetch_for_write(ledger, request.user, key) if key else None
    raw = raw_row_from_post(ledger, request.POST, editing=obj is not None)
    if obj is not None:
        raw[ledger.key.field] = key
    if not raw.get(ledger.key.field):
        raw[ledger.key.field] = CHECK_KEY  # nothing is written: the key is not known yet
    warnings = []
    if raw.get(ledger.key.field):
        outcome = ledger_write(
            ledger=ledger,
            actor=request.user,
            rows=[(None, raw)],
            mode="update" if obj else "create",
            dry_run=True,
            confirmed=False,
        )
        warnings = [w.line() for w in outcome.warnings]
    return render(request, "core/_live_check.html", {"warning_lines": warnings})


@require_POST
@login_required
def ledger_archive_view(request, name, key):
    ledger = _ledger(name)
    restore = request.POST.get("restore") == "1"
    obj = fetch_for_write(ledger, request.user, key, archived=restore)
    try:
        ledger_archive(ledger=ledger, actor=request.user, obj=obj, restore=restore)
    except ArchiveRefused as refused:
        messages.error(request, str(refused))
        return redirect("ledger-detail", name, key)
    messages.success(request, f"“{key}”已{'恢复' if restore else '归档'}。")
    return redirect("ledger-detail", name, key)


@require_POST
@login_required
def ledger_batch(request, name):
    """Archive, restore, set one column on, or export the rows picked on the list page
    (or all rows its filter matches): first a page that says how many and asks, then the
    one audited write service, all or nothing."""
    ledger = _ledger(name)
    action = request.POST.get("action", "")
    query = request.POST.get("query", "")
    data = QueryDict(query)
    params = _search_params(request, ledger, data)
    keys = [] if request.POST.get("all_matching") == "1" else request.POST.getlist("keys")
    if one := request.POST.get("one"):  # the 归档 / 恢复 of one row's 操作 column
        keys, action = [one], ("restore" if data.get("archived") == "1" else "archive")
    back = reverse("ledger-list", args=[name]) + (f"?{query}" if query else "")
    if action == "export":
        export = QueryDict(query, mutable=True)
        export.setlist("keys", keys)
        return redirect(reverse("ledger-export", args=[name]) + "?" + export.urlencode())
    if action not in ACTIONS or not may_write(ledger, request.user):
        raise PermissionDenied("您没有修改此台账的权限")
    if action == "set" and params["archived"]:
        messages.error(request, "已归档的记录不能批量修改，请先恢复")
        return redirect(back)
    if action in ("archive", "restore"):
        params["archived"] = action == "restore"
    if not keys and request.POST.get("all_matching") != "1":
        messages.error(request, "请先勾选要处理的记录")
        return redirect(back)
    rows = batch_rows(ledger, request.user, keys=keys, params=params)
    count = rows.count()
    columns = settable_columns(ledger)
    column = next((c for c in columns if c.field == request.POST.get("field")), None)
    outcome = None
    if request.POST.get("confirm") == "1" and count and (action != "set" or column):
        if action == "set":
            outcome = batch_set(
                ledger, request.user, rows, column=column, raw=request.POST.get("value", "")
            )
        else:
            outcome = batch_archive(ledger, request.user, rows, restore=action == "restore")
        if outcome.ok:
            done = f"已{ACTIONS[action]} {outcome.done:,} 条{ledger.title}记录"
            messages.success(request, done + (f"（{column.header}）" if column else "") + "。")
            return redirect(back)
    sample = ledger.read_values(
        rows.all()[:20], [ledger.key, *([ledger.name_column] if ledger.name_column else [])]
    )
    return render(
        request,
        "core/ledger_batch.html",
        {
            "ledger": ledger,
            "action": action,
            "action_label": ACTIONS[action],
            "count": count,
            "sample": [(v[ledger.key.field], ledger.label_of(v)) for v in sample],
            "keys": keys,
            "all_matching": not keys,
            "query": query,
            "back": back,
            "columns": columns,
            "column": column,
            "value": request.POST.get("value", ""),
            "problems": outcome.problems if outcome else [],
            "too_many": too_many(count),
            "filter_words": _filter_words(ledger, request.user, params),
        },
        status=400 if outcome else 200,
    )


@login_required
def ledger_export_view(request, name):
    """The rows of the list as filtered (or only those picked: `keys`), as the user sees
    them (personal values masked where they are on the page), audited; refused above the
    role's cap for ledgers with personal columns (TAIZHANG_EXPORT_LIMITS)."""
    ledger = _ledger(name)
    params = _search_params(request, ledger)
    keys = request.GET.getlist("keys")
    queryset = batch_rows(ledger, request.user, keys=keys, params=params)
    recorded = {**search_record(ledger, params), **({"picked": keys[:200]} if keys else {})}
    stamp = timezone.localdate().strftime("%Y%m%d")
    filename = f"{ledger.title}台账-{stamp}.xlsx"
    cap, counted = export_cap(ledger, request.user, queryset)
    if cap is not None and counted > cap:
        audit_record(
            actor=request.user,
            action="core.export.refused",
            ledger=ledger.name,
            key="",
            after={**recorded, "rows": counted, "cap": cap},
        )
        messages.error(
            request,
            f"导出未执行：{ledger.title}台账含个人信息，您的角色每次最多导出 {cap} 条，"
            f"当前筛选结果为 {counted} 条。请缩小筛选范围（如选择下级组织或增加筛选条件）后再导出。",
        )
        query = {k: v for k, v in request.GET.items() if k != "page"}
        url = reverse("ledger-list", args=[ledger.name])
        return redirect(f"{url}?{urlencode(query)}" if query else url)
    mask = masker(ledger, request.user)
    count = 0

    def rows():
        nonlocal count
        for obj in queryset.iterator(2000):
            count += 1
            values = ledger.values(obj)
            yield values if mask is None else mask(values, obj.scope_path)

    # XlsxWriter keeps constant memory only when it writes to a file, so the workbook goes
    # to a temporary file that is streamed and removed (unlinked once open): nothing is
    # sent before the whole file is written.
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as target:
        path = target.name
    try:
        write_export(ledger=ledger, rows=rows(), target=path)
        stream = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        os.unlink(path)
    audit_record(
        actor=request.user,
        action="core.export",
        ledger=ledger.name,
        key="",
        after={**recorded, "rows": count, "file": filename},
    )
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
def ledger_template_view(request, name):
    ledger = _ledger(name)
    if not may_read(ledger, request.user):
        raise PermissionDenied("您没有查看此台账的权限")
    buffer = io.BytesIO()
    write_template(ledger=ledger, target=buffer, scope=scope_for(request.user))
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=f"{ledger.title}模板.xlsx", content_type=XLSX
    )


def _preview_keep(*, user, ledger: Ledger, filename: str, content: bytes) -> str:
    """Keep an uploaded file for its commit; previews never committed go after a day."""
    stale = timezone.now() - timedelta(hours=PREVIEW_HOURS)
    ImportPreview.objects.filter(created_at__lt=stale).delete()
    token = uuid.uuid4().hex
    ImportPreview.objects.create(
        token=token,
        user=user,
        ledger=ledger.name,
        filename=filename[-200:],
        content=content,
        created_at=timezone.now(),
    )
    return token


def _preview_of(request, ledger: Ledger) -> ImportPreview:
    """The caller's own preview of this ledger; 404 for anyone else's or another ledger's."""
    preview = ImportPreview.objects.filter(
        token=request.POST.get("token", ""),
        user=request.user,
        ledger=ledger.name,
        created_at__gte=timezone.now() - timedelta(hours=PREVIEW_HOURS),
    ).first()
    if preview is None:
        raise Http404("导入已过期，请重新上传")
    return preview


@login_required
def ledger_import_view(request, name):
    """Upload → preview of what would change (nothing written) → commit."""
    ledger = _ledger(name)
    _writable(ledger, request.user)
    context = {"ledger": ledger}
    if request.method == "POST":
        try:
            content, filename = uploaded_file(request)
            outcome = ledger_import(
                ledger=ledger,
                actor=request.user,
                content=content,
                filename=filename,
                dry_run=True,
            )
        except FileProblem as problem:
            context["file_problem"] = str(problem)
            return render(request, "core/ledger_import.html", context, status=400)
        token = _preview_keep(user=request.user, ledger=ledger, filename=filename, content=content)
        outcome = _shown_outcome(ledger, request.user, outcome)
        context.update(
            outcome=outcome,
            token=token,
            filename=filename,
            **_preview_lists(ledger, outcome, request.user),
        )
    return render(request, "core/ledger_import.html", context)


def _shown_outcome(ledger: Ledger, user, outcome):
    """An import's outcome as its page shows it: the stored values of updated (and
    restored) rows masked where the user does not see them in clear; the values of problems in
    personal columns masked unless the user sees every such value in clear."""
    from dataclasses import replace

    mask = masker(ledger, user)
    if mask is None:
        return outcome
    personal = {c.field for c in ledger.personal_columns}
    shown = replace(outcome)
    shown.problems = [
        replace(p, value=mask({p.field: p.value}, None)[p.field]) if p.field in personal else p
        for p in outcome.problems
    ]

    def masked(pairs):
        first = pairs[:20]  # what the page shows
        stored = ledger.stored([after[ledger.key.field] for _, after in first])
        paths = [_stored_path(stored, after[ledger.key.field]) for _, after in first]
        return [
            (mask(before, path), mask(after, path))
            for (before, after), path in zip(first, paths, strict=True)
        ] + pairs[20:]

    shown.updated, shown.restored = masked(outcome.updated), masked(outcome.restored)
    return shown


def _stored_path(stored: dict, key) -> str | None:
    row = stored.get(key)
    return row.scope_path if row is not None else None


def _preview_lists(ledger: Ledger, outcome, user) -> dict:
    """The first rows of each kind of change, references named."""
    pairs = outcome.updated[:20] + outcome.restored[:20]
    names = ref_names(user, ledger.columns, [row for pair in pairs for row in pair])

    def shown(column, value):
        return named(column, value, names.get(column.field))

    return dict(
        preview_created=[
            (row[ledger.key.field], ledger.label_of(row)) for row in outcome.created[:20]
        ],
        preview_updated=[
            (after[ledger.key.field], ledger.label_of(after), ledger.changes(before, after, shown))
            for before, after in outcome.updated[:20]
        ],
        preview_restored=[
            (after[ledger.key.field], ledger.label_of(after), ledger.changes(before, after, shown))
            for before, after in outcome.restored[:20]
        ],
    )


@require_POST
@login_required
def ledger_import_commit(request, name):
    ledger = _ledger(name)
    _writable(ledger, request.user)
    preview = _preview_of(request, ledger)
    content, filename = bytes(preview.content), preview.filename
    if request.POST.get("errors") == "1":
        outcome = ledger_import(
            ledger=ledger, actor=request.user, content=content, filename=filename, dry_run=True
        )
        outcome = _shown_outcome(ledger, request.user, outcome)
        buffer = io.BytesIO()
        write_errors(ledger=ledger, outcome=outcome, target=buffer)
        buffer.seek(0)
        return FileResponse(
            buffer, as_attachment=True, filename=f"{ledger.title}导入错误.xlsx", content_type=XLSX
        )
    try:
        outcome = ledger_import(
            ledger=ledger, actor=request.user, content=content, filename=filename
        )
    except FileProblem as problem:
        context = {"ledger": ledger, "file_problem": str(problem)}
        return render(request, "core/ledger_import.html", context, status=400)
    if outcome.ok:
        preview.delete()
        messages.success(
            request,
            f"导入完成：{outcome.summary()}。",
        )
        return redirect("ledger-list", name)
    outcome = _shown_outcome(ledger, request.user, outcome)
    return render(
        request, "core/ledger_import.html", {"ledger": ledger, "outcome": outcome}, status=400
    )
