"""Progress reports, receipts, notices, series, 每日动态, 周调度, calendar feeds."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from conftest import PASSWORD, write
from taizhang.accounts.services import user_create
from taizhang.core.models import AuditEntry
from taizhang.dispatch import recurrence, selectors, services
from taizhang.dispatch.models import InboxMessage, Meeting, MeetingSeries, Receipt, Task
from taizhang.dispatch.sms import sms_segments

NOON = dt.datetime(2023, 10, 16, 4, tzinfo=dt.UTC)  # 12:00 in Shanghai, a Monday


@pytest.fixture
def branch_admins(district):
    def make(name, org):
        return user_create(
            actor=None, username=name, password=PASSWORD, role="org_admin", org=district.orgs[org]
        )

    return make("a1", "QSH-A-1"), make("b1", "QSH-B-1")


def test_progress_reports_set_status_and_percent(client_for, users):
    with time_machine.travel(NOON, tick=False):
        write(
            "tasks",
            [
                {
                    "code": "T1",
                    "name": "任务",
                    "org": "QSH-A-1",
                    "start_on": "2023-10-01",
                    "due_on": "2023-10-31",
                }
            ],
            actor=users.office,
        )
        client = client_for(users.allowed)
        url = reverse("dispatch-task-report", args=["T1"])
        assert (
            client.post(
                url, {"text": "已部署", "percent": "40", "reported_on": "2023-10-15"}
            ).status_code
            == 302
        )
        task = Task.objects.get()
        assert (task.status, task.progress) == ("进行中", 40)
        page = client.post(url, {"text": "", "percent": "50"}).content.decode()
        assert "进展情况必须填写" in page
        page = client.post(url, {"text": "x", "percent": "六成"}).content.decode()
        assert "完成进度“六成”应为 0–100 的整数" in page
        client.post(url, {"text": "完成", "percent": "100", "reported_on": "2023-10-16"})
        task.refresh_from_db()
        assert (task.status, task.progress) == ("已完成", 100)
        assert AuditEntry.objects.filter(object_key="T1", action="dispatch.task.done").exists()
        # A sibling org admin does not see it.
        assert client_for(users.sibling).get(url).status_code == 404


def test_a_work_group_member_reports_on_the_group_s_task(client_for, users, groups):
    write(
        "tasks",
        [{"code": "T2", "name": "组任务", "work_group": "WG-B", "due_on": "2023-10-31"}],
        actor=users.office,
    )
    member = user_create(
        actor=None,
        username="m",
        password=PASSWORD,
        role="member",
        org=users.member.grants.first().org,
    )
    from taizhang.orgs.models import Person

    member.person = Person.objects.get(code="P-B1")  # leads WG-B
    member.save()
    with time_machine.travel(NOON, tick=False):
        response = client_for(member).post(
            reverse("dispatch-task-report", args=["T2"]), {"text": "推进中", "percent": "30"}
        )
    assert response.status_code == 302 and Task.objects.get().progress == 30


@pytest.mark.parametrize(
    "task, colour",
    [
        (dict(status="进行中", progress=50, start_on=None, due_on=dt.date(2023, 10, 15)), "red"),
        (dict(status="已完成", progress=100, start_on=None, due_on=dt.date(2023, 10, 1)), "green"),
        (dict(status="进行中", progress=90, start_on=None, due_on=dt.date(2023, 10, 18)), "amber"),
        (
            dict(
                status="进行中",
                progress=10,
                start_on=dt.date(2023, 10, 1),
                due_on=dt.date(2023, 10, 31),
            ),
            "amber",
        ),
        (
            dict(
                status="进行中",
                progress=60,
                start_on=dt.date(2023, 10, 1),
                due_on=dt.date(2023, 10, 31),
            ),
            "green",
        ),
    ],
)
def test_status_colour(task, colour):
    assert selectors.task_colour(Task(**task), dt.date(2023, 10, 16)) == colour


def test_signing_is_for_recipients_only(client_for, users, branch_admins):
    a1, b1 = branch_admins
    write(
        "prompts",
        [
            {
                "code": "B1",
                "title": "支部提示",
                "tier": "基层党组织",
                "form": "书面",
                "issued_on": "2023-10-01",
            }
        ],
        actor=users.office,
    )
    mine = Receipt.objects.get(org__code="QSH-A-1")
    assert client_for(b1).post(reverse("dispatch-sign", args=[mine.pk])).status_code == 403
    assert client_for(a1).post(reverse("dispatch-sign", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.signed_at is not None and mine.signed_by == a1
    page = client_for(users.office).get(reverse("dispatch-prompt", args=["B1"])).content.decode()
    unsigned = page.split('id="unsigned"')[1]
    assert "QSH-B-1" in unsigned and "QSH-A-1" not in unsigned
    client_for(users.office).post(reverse("dispatch-prompt", args=["B1"]), {"action": "remind"})
    reminders = InboxMessage.objects.filter(kind="催签")
    assert {m.receipt.org.code for m in reminders} == {"QSH-A-2", "QSH-B-1"}
    inbox = client_for(b1).get(reverse("dispatch-inbox")).content.decode()
    assert "请尽快签收工作提示《支部提示》" in inbox


def test_sms_length_and_segments():
    assert sms_segments("") == {"text": "", "length": 0, "segments": 0}
    assert sms_segments("字" * 70)["segments"] == 1
    assert sms_segments("字" * 71)["segments"] == 2


def test_notice_answered_by_its_organization_not_a_sibling(client_for, users):
    write(
        "notices",
        [{"code": "Z1", "org": "QSH-A-1", "issued_on": "2023-10-10", "matter": "整改"}],
        actor=users.office,
    )
    url = reverse("dispatch-notice", args=["Z1"])
    response = client_for(users.sibling).post(url, {"action": "answer", "feedback": "已改"})
    assert response.status_code == 404
    client_for(users.allowed).post(url, {"action": "answer", "feedback": "已整改"})
    from taizhang.dispatch.models import Notice

    assert Notice.objects.get().status == "已反馈"
    client_for(users.office).post(url, {"action": "return", "note": "不到位"})
    notice = Notice.objects.get()
    assert notice.status == "已发出" and "不到位" in notice.feedback
    client_for(users.allowed).post(url, {"action": "answer", "feedback": "再次整改"})
    client_for(users.office).post(url, {"action": "close"})
    assert Notice.objects.get().status == "已办结"
    assert AuditEntry.objects.filter(object_key="Z1", action="dispatch.notice.closed").exists()


def _rule(**kw):
    form = dict(
        frequency="每周",
        weekday="星期一",
        time="14:30",
        start=dt.date(2023, 9, 18),
        until=dt.date(2023, 11, 27),
    )
    return recurrence.rule_from_form(**{**form, **kw})


def test_series_rules_refused(users):
    with pytest.raises(recurrence.RuleRefused, match="不会有任何一次会议"):
        services.series_save(
            actor=users.office,
            code="S",
            title="例会",
            kind="办公室例会",
            org_code="QSH",
            rule=_rule(until=dt.date(2023, 9, 1)),
        )
    with pytest.raises(recurrence.RuleRefused, match="超过 500 次"):
        services.series_save(
            actor=users.office,
            code="S",
            title="例会",
            kind="办公室例会",
            org_code="QSH",
            rule=_rule(until=dt.date(2033, 9, 1)),
        )
    assert not MeetingSeries.objects.exists()


def test_occurrences_are_held_once_moved_and_cancelled_recorded(client_for, users):
    client = client_for(users.office)
    response = client.post(
        reverse("dispatch-series"),
        {
            "code": "S-BGS",
            "title": "办公室例会",
            "kind": "办公室例会",
            "org": "QSH",
            "frequency": "每周",
            "weekday": "星期一",
            "time": "14:30",
            "start": "2023-09-18",
            "until": "2023-11-27",
        },
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert recurrence.describe(series) == "每周星期一 14:30（至 2023-11-27）"
    assert len(recurrence.occurrences(series)) == 11
    url = reverse("dispatch-series-detail", args=["S-BGS"])
    for _ in range(2):
        client.post(url, {"action": "hold", "occurrence": "2023-10-09 14:30"})
    assert Meeting.objects.count() == 1
    # Editing the series (15:00 now) does not make 2023-10-09 a second meeting.
    client.post(
        reverse("dispatch-series"),
        {
            "code": "S-BGS",
            "title": "办公室例会",
            "kind": "办公室例会",
            "org": "QSH",
            "frequency": "每周",
            "weekday": "星期一",
            "time": "15:00",
            "start": "2023-09-18",
            "until": "2023-11-27",
        },
    )
    client.post(url, {"action": "hold", "occurrence": "2023-10-09 15:00"})
    assert Meeting.objects.count() == 1
    client.post(
        url,
        {
            "action": "move",
            "occurrence": "2023-10-16 15:00",
            "moved_to": "2023-10-17T09:00",
            "reason": "区委会议",
        },
    )
    client.post(url, {"action": "cancel", "occurrence": "2023-10-23 15:00", "reason": "放假"})
    client.post(url, {"action": "hold", "occurrence": "2023-10-16 15:00"})
    moved = Meeting.objects.get(code="S-BGS-20231016")
    assert moved.held_at.astimezone(recurrence.SHANGHAI).strftime("%m-%d %H:%M") == "10-17 09:00"
    page = client.get(url + "?all=1").content.decode()
    assert "改期至 2023-10-17 09:00" in page and "取消（放假）" in page


def test_decisions_become_tasks_in_one_step(client_for, users, groups):
    write(
        "meetings",
        [{"code": "HY1", "kind": "办公室例会", "held_at": "2023-10-09 14:30", "org": "QSH"}],
        actor=users.office,
    )
    client = client_for(users.office)
    response = client.post(
        reverse("dispatch-decide", args=["HY1"]),
        {"decisions": "制定方案\n召开推进会", "work_group": "WG-A", "due_on": "2023-10-31"},
    )
    assert response.status_code == 302
    assert set(Task.objects.values_list("code", "source_meeting__code")) == {
        ("HY1-T1", "HY1"),
        ("HY1-T2", "HY1"),
    }


def test_daily_dynamics_are_scoped(client_for, users):
    with time_machine.travel(NOON, tick=False):
        write(
            "tasks",
            [
                {"code": "TA", "name": "甲", "org": "QSH-A-1", "due_on": "2023-10-31"},
                {"code": "TB", "name": "乙", "org": "QSH-B-1", "due_on": "2023-10-31"},
            ],
            actor=users.office,
        )
    url = reverse("dispatch-daily") + "?day=2023-10-16"
    mine = client_for(users.allowed).get(url).content.decode()
    assert "/ledgers/tasks/TA/" in mine and "/ledgers/tasks/TB/" not in mine
    assert "湖坊村党支部" in mine
    assert (
        "/ledgers/tasks/TA/"
        not in client_for(users.allowed)
        .get(reverse("dispatch-daily") + "?day=2023-10-17")
        .content.decode()
    )


def test_weekly_page_and_word_agenda(client_for, users):
    write(
        "tasks",
        [
            {"code": "TL", "name": "逾期任务", "org": "QSH-A-1", "due_on": "2023-10-10"},
            {"code": "TW", "name": "本周任务", "org": "QSH-A-1", "due_on": "2023-10-19"},
        ],
        actor=users.office,
    )
    client = client_for(users.office)
    page = client.get(reverse("dispatch-weekly"), {"day": "2023-10-16"}).content.decode()
    assert "本周任务" in page.split('id="weekly-due"')[1].split("</ul>")[0]
    assert "逾期任务" in page.split('id="weekly-overdue"')[1]
    docx = client.get(reverse("dispatch-weekly-docx"), {"day": "2023-10-16"})
    assert docx.content[:2] == b"PK"
    import io

    from docx import Document

    text = "\n".join(
        c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells
    )
    assert "TL" in text and "TW" in text


def test_battle_map_colours_and_filters(client_for, users, groups):
    with time_machine.travel(NOON, tick=False):
        write(
            "tasks",
            [
                {"code": "TR", "name": "逾期", "work_group": "WG-A", "due_on": "2023-10-10"},
                {"code": "TG", "name": "正常", "org": "QSH-A-1", "due_on": "2023-12-10"},
            ],
            actor=users.office,
        )
        page = client_for(users.office).get(reverse("dispatch-board")).content.decode()
        assert (
            'data-task="TR" data-colour="red"' in page
            and 'data-task="TG" data-colour="green"' in page
        )
        assert "style=" not in page and "onclick" not in page
        red = (
            client_for(users.office)
            .get(reverse("dispatch-board"), {"colour": "red"})
            .content.decode()
        )
        assert 'data-task="TR"' in red and 'data-task="TG"' not in red


def test_calendar_feed_is_revocable_and_its_token_never_recorded(client_for, users):
    from taizhang.orgs.models import Person

    users.office.person = Person.objects.get(code="L-1")
    users.office.save()
    write(
        "meetings",
        [
            {
                "code": "HY1",
                "kind": "领导小组会议",
                "held_at": "2023-10-09 14:30",
                "org": "QSH",
                "topic": "领导小组会议",
                "attendees": "L-1",
            },
            {"code": "HY2", "kind": "其他", "held_at": "2023-10-10 14:30", "org": "QSH"},
        ],
    )
    client = client_for(users.office)
    client.post(reverse("dispatch-calendar-feed"))
    page = client.get(reverse("dispatch-calendar") + "?month=2023-10").content.decode()
    url = page.split('id="feed-url">')[1].split("<")[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    client.logout()
    ics = client.get(url).content.decode()
    assert "BEGIN:VCALENDAR" in ics and "HY1@taizhang" in ics and "HY2" not in ics
    dumped = json.dumps(
        [(e.before, e.after, e.object_key) for e in AuditEntry.objects.all()], ensure_ascii=False
    )
    assert token not in dumped
    client_for(users.office).post(reverse("dispatch-calendar-feed"), {"action": "revoke"})
    assert client.get(url).status_code == 404


def test_home_panels_per_role(client_for, users, branch_admins):
    write(
        "prompts",
        [
            {
                "code": "B1",
                "title": "支部提示",
                "tier": "基层党组织",
                "form": "书面",
                "issued_on": "2023-10-01",
            }
        ],
        actor=users.office,
    )
    office = client_for(users.office).get("/").content.decode()
    assert "逾期任务" in office and "尚有未签收的工作提示" in office
    a1 = client_for(branch_admins[0]).get("/").content.decode()
    assert "待签收的工作提示" in a1 and "待反馈的整改单" in a1
    member = client_for(users.member).get("/").content.decode()
    assert "dispatch-panel" not in member


def test_whoever_answered_a_notice_may_not_close_it(client_for, users):
    """An org admin above the branch may answer for it, but not also approve the answer."""
    from taizhang.dispatch.models import Notice

    write(
        "notices",
        [{"code": "Z2", "org": "QSH-A-1", "issued_on": "2023-10-10", "matter": "整改"}],
        actor=users.office,
    )
    url = reverse("dispatch-notice", args=["Z2"])
    client_for(users.allowed).post(url, {"action": "answer", "feedback": "上级代填"})
    assert client_for(users.allowed).post(url, {"action": "close"}).status_code == 403
    assert Notice.objects.get().status == "已反馈"
    client_for(users.office).post(url, {"action": "close"})
    assert Notice.objects.get().status == "已办结"


def test_signing_sends_back_only_into_this_site(client_for, users, branch_admins):
    a1, _ = branch_admins
    write(
        "prompts",
        [
            {
                "code": "B2",
                "title": "提示",
                "tier": "基层党组织",
                "form": "书面",
                "issued_on": "2023-10-01",
            }
        ],
        actor=users.office,
    )
    mine = Receipt.objects.get(org__code="QSH-A-1")
    url = reverse("dispatch-sign", args=[mine.pk])
    response = client_for(a1).post(url, {"next": "https://evil.example/x"})
    assert response.status_code == 302 and response["Location"] == reverse("dispatch-inbox")


def test_a_password_change_or_reset_stops_the_calendar_feed(client_for, users):
    from taizhang.accounts.services import password_set
    from taizhang.dispatch.models import CalendarFeed
    from taizhang.dispatch.services import calendar_feed_issue

    token = calendar_feed_issue(actor=users.allowed)
    feed = reverse("dispatch-ics", args=[token])
    assert client_for(users.allowed).get(feed).status_code == 200
    password_set(actor=users.allowed, user=users.allowed, password="Another-Pass-2024")
    assert not CalendarFeed.objects.filter(user=users.allowed).exists()
    assert client_for(users.office).get(feed).status_code == 404
    assert AuditEntry.objects.filter(
        action="dispatch.calendar.feed", after__原因="修改密码"
    ).exists()


def test_the_dispatch_tabs_show_no_page_a_member_cannot_open(client_for, users):
    page = client_for(users.member).get(reverse("dispatch-inbox")).content.decode()
    assert "会议系列" not in page and "挂图作战" not in page
    office = client_for(users.office).get(reverse("dispatch-inbox")).content.decode()
    assert "会议系列" in office and "挂图作战" in office


def test_a_task_page_leads_to_its_progress_report(client_for, users):
    write(
        "tasks",
        [{"code": "T9", "name": "任务", "org": "QSH-A-1", "due_on": "2023-10-31"}],
        actor=users.office,
    )
    page = client_for(users.allowed).get(reverse("ledger-detail", args=["tasks", "T9"]))
    assert reverse("dispatch-task-report", args=["T9"]) in page.content.decode()


def test_daily_dynamics_count_every_change_of_a_busy_day(users, settings, monkeypatch):
    """A day with more changes of one ledger than one query's keys counts them all."""
    from taizhang.dispatch import selectors

    monkeypatch.setattr(selectors, "DAILY_KEYS_PER_LEDGER", 2)  # several chunks
    write("people", [{"code": f"P-D{i}", "name": f"动{i}", "org": "QSH-A-1"} for i in range(5)])
    from django.utils import timezone

    today = timezone.localdate()
    people = next(
        g for g in selectors.daily(users.office, today)["groups"] if g["ledger"].name == "people"
    )
    assert people["count"] >= 5
