"""The study pages: 不掉队 (with its Excel list and one-click 送学上门 / 返乡培训), the "8+3"
categorised guidance table, 疑似雷同 pairs side by side, the attendance checklist, the
session's sign-in code and a member's sign-in. Thin: reads in selectors, writes in
services."""

import datetime as dt
import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from taizhang.core.access import (
    export_cap,
    fetch_for_read,
    fetch_for_write,
    may_read,
    may_write,
    row_writable,
)
from taizhang.core.audit import audit_record
from taizhang.core.cells import CellError, parse_date
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for

from . import exports, selectors, services, similarity
from .models import StudySession

EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)


def _date_param(request, name: str, default):
    """A date from the query string; the default when missing, unreadable or absurd."""
    try:
        value = parse_date(request.GET.get(name, ""))
    except CellError:
        return default
    return value if value and EARLIEST <= value <= LATEST else default


def _window(request) -> tuple[dt.date, dt.date]:
    start, end = selectors.default_window()
    return _date_param(request, "from", start), _date_param(request, "to", end)


def _org(request):
    if not selectors.reads_people_and_study(request.user):
        raise PermissionDenied("您没有查看学习情况的权限")
    org = selectors.home_org(request.user, request.GET.get("org", "").strip())
    if org is None:
        raise Http404("组织不存在或不在您的范围内")
    return org


def _query(org, start, end) -> str:
    return urlencode({"org": org.code, "from": start.isoformat(), "to": end.isoformat()})


@login_required
def reach(request):
    """不掉队: members reached / not reached in a period, for an organization's subtree."""
    org = _org(request)
    start, end = _window(request)
    result = selectors.reach(request.user, org, start, end)
    holiday = selectors.holiday_now()
    sessions = registry["study_sessions"]
    mobile_by_org: dict[str, list] = {}
    for person in result.people:
        if person["mobile_member"]:
            mobile_by_org.setdefault(person["org_code"], []).append(person)
    context = {
        "result": result,
        "org": org,
        "start": start,
        "end": end,
        "query": _query(org, start, end),
        "may_plan": may_write(sessions, request.user),
        "holiday": holiday,
        "holidays": selectors.holidays(),
        "mobile_by_org": sorted(mobile_by_org.items()),
        "tomorrow": timezone.localdate() + dt.timedelta(days=1),
        "study_tab": "reach",
    }
    return render(request, "study/reach.html", context)


@login_required
def reach_export(request):
    """The 不掉队 list as Excel, for the branch secretary (every member not reached)."""
    org = _org(request)
    start, end = _window(request)
    missing = selectors.members_in(request.user, org).exclude(
        pk__in=selectors.attended_ids(start, end)
    )
    people = registry["people"]
    cap, counted = export_cap(people, request.user, missing)
    recorded = {"内容": "不掉队名单", "组织": org.code, "期间": f"{start} 至 {end}"}
    if cap is not None and counted > cap:
        audit_record(
            actor=request.user,
            action="core.export.refused",
            ledger="people",
            key="",
            after={**recorded, "rows": counted, "cap": cap},
        )
        messages.error(
            request,
            f"导出未执行：名单含个人信息，您的角色每次最多导出 {cap} 条，当前为 {counted} 条。"
            "请选择下级组织后再导出。",
        )
        return redirect(reverse("study-reach") + "?" + _query(org, start, end))
    rows = selectors.not_reached_rows(request.user, missing)
    name = f"不掉队名单-{org.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    audit_record(
        actor=request.user,
        action="core.export",
        ledger="people",
        key="",
        after={**recorded, "rows": len(rows), "file": name},
    )
    content = exports.not_reached_workbook(org, start, end, rows)
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=name, content_type=exports.XLSX
    )


@login_required
@require_POST
def home_delivery(request):
    """One click from the 不掉队 list: a 送学上门 session with that member."""
    person = fetch_for_read(registry["people"], request.user, request.POST.get("person", ""))
    try:
        on = parse_date(request.POST.get("on", "")) or timezone.localdate()
    except CellError as error:
        messages.error(request, f"日期：{error}")
        return redirect(_back(request))
    try:
        outcome = services.home_delivery_plan(actor=request.user, person=person, on=on)
    except services.PlanRefused as refused:
        messages.error(request, str(refused))
        return redirect(_back(request))
    _report(request, outcome, f"已安排 {on} 为 {person.name} 送学上门")
    return redirect(_back(request))


@login_required
@require_POST
def return_training(request):
    """From the mobile members around a holiday: one 返乡培训 session per organization."""
    org = fetch_for_read(registry["orgs"], request.user, request.POST.get("org", ""))
    people = registry["people"]
    codes = request.POST.getlist("people")
    chosen = [fetch_for_read(people, request.user, code) for code in codes]
    try:
        on = parse_date(request.POST.get("on", "")) or timezone.localdate()
    except CellError as error:
        messages.error(request, f"日期：{error}")
        return redirect(_back(request))
    if not chosen:
        messages.error(request, "请至少选择一名流动党员")
        return redirect(_back(request))
    holiday = request.POST.get("holiday", "")[:10]
    try:
        outcome = services.return_training_plan(
            actor=request.user, org=org, people=chosen, on=on, holiday=holiday
        )
    except services.PlanRefused as refused:
        messages.error(request, str(refused))
        return redirect(_back(request))
    _report(request, outcome, f"已安排 {on} {org.name}流动党员返乡培训（{len(chosen)} 人）")
    return redirect(_back(request))


def _report(request, outcome, done: str) -> None:
    if outcome.ok:
        messages.success(request, done)
    else:
        messages.error(request, "；".join(p.line() for p in outcome.problems[:3]))


def _back(request) -> str:
    query = request.POST.get("back", "")
    return reverse("study-reach") + ("?" + query if query and "//" not in query else "")


@login_required
def categories(request):
    """ "8+3" 分类指导: by 所属领域, with 未报送 / 未开展 branches."""
    org = _org(request)
    start, end = _window(request)
    on = _date_param(request, "on", end)
    rows = selectors.categories_table(request.user, org, start, end, on)
    context = {
        "rows": rows,
        "total": selectors.categories_total(rows),
        "org": org,
        "start": start,
        "end": end,
        "on": on,
        "idle_days": _idle_days(),
        "query": _query(org, start, end),
        "study_tab": "categories",
    }
    return render(request, "study/categories.html", context)


def _idle_days() -> int:
    from django.conf import settings

    return settings.STUDY_IDLE_DAYS


@login_required
def similar(request):
    """疑似雷同: pairs of study articles above the threshold, highest first."""
    if not selectors.reads_articles(request.user):
        raise PermissionDenied("您没有查看学习体会文章的权限")
    start, end = _date_param(request, "from", None), _date_param(request, "to", None)
    pairs = selectors.similar_pairs(request.user, date_from=start, date_to=end)
    context = {
        "pairs": pairs,
        "threshold": similarity.DEFAULT_THRESHOLD,
        "start": start,
        "end": end,
        "study_tab": "similar",
    }
    return render(request, "study/similar.html", context)


@login_required
def similar_pair(request, first: str, second: str):
    """Two articles side by side, the passages they share highlighted."""
    a, b = selectors.article_pair(request.user, first, second)
    spans_a, spans_b = similarity.shared_passages(a.text, b.text)
    context = {
        "a": a,
        "b": b,
        "pieces_a": _pieces(a.text, spans_a),
        "pieces_b": _pieces(b.text, spans_b),
        "score": similarity.similarity(a.text, b.text),
        "study_tab": "similar",
    }
    return render(request, "study/similar_pair.html", context)


def _pieces(text: str, spans) -> list[tuple[str, bool]]:
    """The text cut into (piece, shared) for the template to mark."""
    pieces, at = [], 0
    for start, end in spans:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


@login_required
def attendance(request, code: str):
    """The phone-sized checklist: tick who attended, save."""
    ledger = registry["study_sessions"]
    session = fetch_for_read(ledger, request.user, code)
    writable = row_writable(ledger, request.user, session)
    if request.method == "POST":
        session = fetch_for_write(ledger, request.user, code)
        listed = {p.code for p in selectors.session_members(request.user, session)}
        outcome = services.attendance_save(
            actor=request.user,
            session=session,
            codes=request.POST.getlist("people"),
            listed=listed,
        )
        if outcome.ok:
            count = session.attendees.count()
            messages.success(request, f"已保存出勤：共 {count} 人")
            return redirect("study-attendance", code)
        messages.error(request, "；".join(p.line() for p in outcome.problems[:3]))
    attending = set(session.attendees.values_list("pk", flat=True))
    people = [(p, p.pk in attending) for p in selectors.session_members(request.user, session)]
    context = {
        "session": session,
        "people": people,
        "count": len(attending),
        "writable": writable,
        "signed_in": set(session.sign_ins.values_list("person_id", flat=True)),
    }
    return render(request, "study/attendance.html", context)


@login_required
def sign_code(request, code: str):
    """The session's sign-in code (QR) to show on a screen or print."""
    ledger = registry["study_sessions"]
    session = fetch_for_read(ledger, request.user, code)
    if not row_writable(ledger, request.user, session):
        raise PermissionDenied("只有本组织的管理员可以出示签到码")
    url = request.build_absolute_uri(reverse("study-sign", args=[session.sign_token]))
    # omitsize: a viewBox instead of a fixed size, so that CSS scales the drawing itself.
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff", omitsize=True)
    context = {"session": session, "url": url, "qr_svg": qr}
    return render(request, "study/sign_code.html", context)


@login_required
def sign(request, token: str):
    """A member opens the code on a phone, logs in, and signs in."""
    session = StudySession.objects.select_related("org").filter(sign_token=token).first()
    error, done = "", False
    if request.method == "POST":
        try:
            session, done = services.session_sign_in(user=request.user, token=token)
            if done:
                messages.success(request, "签到成功")
            else:
                messages.info(request, "您已签到，无需重复签到")
            return redirect("study-sign", token)
        except services.SignInRefused as refused:
            error = str(refused)
    person_id = getattr(request.user, "person_id", None)
    attended = bool(session and person_id and session.attendees.filter(pk=person_id).exists())
    context = {
        "session": session if session and not session.archived_at else None,
        "error": error,
        "attended": attended,
        "has_person": person_id is not None,
    }
    return render(request, "study/sign.html", context)


def home_panel(request) -> str:
    """An org admin's 不掉队 at a glance: members not yet reached in the campaign."""
    user = request.user
    if "org_admin" not in scope_for(user).roles or not selectors.reads_people_and_study(user):
        return ""
    org = selectors.home_org(user)
    if org is None:
        return ""
    start, end = selectors.default_window()
    result = selectors.reach(user, org, start, end, limit=0)
    link = reverse("study-reach") + "?" + _query(org, start, end)
    return render_to_string(
        "study/_home_panel.html", {"result": result, "link": link, "org": org}, request=request
    )


def me_section(request) -> str:
    """我的: the sessions the member attended."""
    if getattr(request.user, "person_id", None) is None:
        return ""
    sessions = selectors.my_sessions(request.user)
    return render_to_string("study/_me_section.html", {"sessions": sessions}, request=request)


def may_see_articles(user) -> bool:
    return may_read(registry["study_articles"], user)
