"""Study sessions: attendance from the file, the checklist and members' own sign-ins."""

import datetime as dt

import pytest
import time_machine

from conftest import write
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.core.models import AuditEntry
from taizhang.study import services
from taizhang.study.models import SignIn, StudySession

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
pytestmark = pytest.mark.django_db


def _session(**extra):
    row = {
        "code": "XX-1",
        "org": "QSH-A-1",
        "held_on": "2023-10-16",
        "form": "支部集中学习",
        "topic": "学习党章",
    }
    write("study_sessions", [{**row, **extra}])
    return StudySession.objects.get(code="XX-1")


def _write(rows, actor=None, **kwargs):
    return ledger_write(
        ledger=registry["study_sessions"], actor=actor, rows=[(n, r) for n, r in rows], **kwargs
    )


def test_study_form_outside_the_list_is_refused(district):
    outcome = _write(
        [(3, {"code": "XX-9", "org": "QSH-A-1", "held_on": "2023-10-16", "form": "自学"})]
    )
    assert not outcome.ok and not outcome.written
    assert outcome.problems[0].line().startswith("第3行 学习形式:")
    assert not StudySession.objects.exists()


def test_date_outside_the_campaign_is_written_but_flagged(district):
    outcome = _write(
        [(2, {"code": "XX-9", "org": "QSH-A-1", "held_on": "2024-03-01", "form": "其他"})]
    )
    assert outcome.ok and outcome.written
    assert "不在主题教育期间" in outcome.warnings[0].message
    assert outcome.warnings[0].header == "学习日期"


def test_a_visiting_member_is_a_warning_the_writer_confirms(users):
    row = {
        "code": "XX-9",
        "org": "QSH-A-1",
        "held_on": "2023-10-16",
        "form": "支部集中学习",
        "attendees": "P-A1、P-B1",
    }
    held = _write([(None, row)], actor=users.office, confirmed=False)
    assert held.held and not held.written
    assert "李四不是本组织" in held.warnings[0].message
    assert not StudySession.objects.exists()
    done = _write([(None, row)], actor=users.office)
    assert done.written
    assert sorted(StudySession.objects.get().attendees.values_list("code", flat=True)) == [
        "P-A1",
        "P-B1",
    ]


def test_an_org_admin_cannot_name_a_member_outside_their_scope(users):
    outcome = _write(
        [
            (
                None,
                {
                    "code": "XX-9",
                    "org": "QSH-A-1",
                    "held_on": "2023-10-16",
                    "form": "支部集中学习",
                    "attendees": "P-B1",
                },
            )
        ],
        actor=users.allowed,
    )
    assert not outcome.ok and "“P-B1”不存在" in outcome.problems[0].message


def test_sign_in_on_the_day_records_attendance_once(users, member_person):
    session = _session()
    with time_machine.travel(dt.datetime(2023, 10, 16, 15, tzinfo=SHANGHAI)):
        _, first = services.session_sign_in(user=users.member, token=session.sign_token)
        _, second = services.session_sign_in(user=users.member, token=session.sign_token)
    assert (first, second) == (True, False)
    assert list(session.attendees.values_list("code", flat=True)) == ["P-A1"]
    assert SignIn.objects.filter(session=session).count() == 1
    entry = AuditEntry.objects.get(action="study.session.signed_in")
    assert entry.actor_id == users.member.pk and entry.after["签到人员"] == "P-A1"


def test_sign_in_on_another_day_is_refused(users, member_person):
    session = _session()
    with time_machine.travel(dt.datetime(2023, 10, 17, 9, tzinfo=SHANGHAI)):
        with pytest.raises(services.SignInRefused, match="只能在学习当天"):
            services.session_sign_in(user=users.member, token=session.sign_token)
    assert not session.attendees.exists()


def test_sign_in_to_another_organization_is_refused(users, member_person):
    session = _session(code="XX-1", org="QSH-B-1")
    with time_machine.travel(dt.datetime(2023, 10, 16, 9, tzinfo=SHANGHAI)):
        with pytest.raises(services.SignInRefused, match="不能在此签到"):
            services.session_sign_in(user=users.member, token=session.sign_token)
    assert not session.attendees.exists()


def test_sign_in_needs_a_person_and_a_valid_code(users):
    session = _session()
    with pytest.raises(services.SignInRefused, match="签到码无效"):
        services.session_sign_in(user=users.member, token="0" * 32)
    with time_machine.travel(dt.datetime(2023, 10, 16, 9, tzinfo=SHANGHAI)):
        with pytest.raises(services.SignInRefused, match="没有关联人员"):
            services.session_sign_in(user=users.member, token=session.sign_token)


def test_each_session_gets_its_own_sign_in_code(district):
    write(
        "study_sessions",
        [
            {"code": f"XX-{n}", "org": "QSH-A-1", "held_on": "2023-10-16", "form": "其他"}
            for n in range(3)
        ],
    )
    tokens = set(StudySession.objects.values_list("sign_token", flat=True))
    assert len(tokens) == 3 and all(t and len(t) == 32 for t in tokens)


def test_checklist_saves_attendance_through_the_audited_write(users, more_people):
    session = _session()
    outcome = services.attendance_save(
        actor=users.allowed,
        session=session,
        codes=["P-A1", "P-A4"],
        listed={"P-A1", "P-A3", "P-A4"},
    )
    assert outcome.written
    assert sorted(session.attendees.values_list("code", flat=True)) == ["P-A1", "P-A4"]
    entry = AuditEntry.objects.filter(ledger="study_sessions", object_key="XX-1").latest("at")
    assert entry.actor_id == users.allowed.pk and entry.after["attendees"] == ["P-A1", "P-A4"]


def test_checklist_page_lists_the_branch_and_saves(users, more_people, client_for):
    session = _session()
    client = client_for(users.allowed)
    page = client.get(f"/study/sessions/{session.code}/attendance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三" in text and "陈老" in text and "非党员" not in text and "李四" not in text
    response = client.post(f"/study/sessions/{session.code}/attendance/", {"people": ["P-A3"]})
    assert response.status_code == 302
    assert list(session.attendees.values_list("code", flat=True)) == ["P-A3"]


def test_checklist_of_another_branch_is_not_found(users, district, client_for):
    session = _session(org="QSH-B-1")
    client = client_for(users.allowed)
    assert client.get(f"/study/sessions/{session.code}/attendance/").status_code == 404
    response = client.post(f"/study/sessions/{session.code}/attendance/", {"people": ["P-A1"]})
    assert response.status_code == 404
    assert not session.attendees.exists()


def test_sign_in_page_over_http(users, member_person, client_for):
    session = _session()
    client = client_for(users.member)
    with time_machine.travel(dt.datetime(2023, 10, 16, 15, tzinfo=SHANGHAI)):
        assert "签到" in client.get(f"/study/sign/{session.sign_token}/").content.decode()
        client.post(f"/study/sign/{session.sign_token}/")
        client.post(f"/study/sign/{session.sign_token}/")
        me = client.get("/me/").content.decode()
    assert session.attendees.count() == 1
    assert "学习党章" in me


def test_sign_code_only_for_writers(users, district, client_for):
    session = _session()
    assert client_for(users.inspector).get("/study/sessions/XX-1/code/").status_code == 403
    page = client_for(users.allowed).get(f"/study/sessions/{session.code}/code/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert session.sign_token in page.content.decode()


def test_a_clerks_file_imports_with_its_warnings_printed(district, tmp_path, capsys):
    from django.core.management import call_command

    from conftest import xlsx_bytes

    rows = [
        ["湖坊镇党委学习活动台账"],
        ["填报单位：湖坊镇党委", None, "填报日期：2023年10月20日"],
        [
            "序号",
            "活动编号*",
            "组织编码\n(必填)",
            "学习日期",
            "学习形式",
            "学习主题",
            "参加人员编号",
        ],
        [1, "XX-1", "QSH-A-1", "2023/10/16", "支部集中学习", "学习党章", "P-A1、P-A2"],
        [2, "XX-2", "QSH-A-1", "2024.3.1", "其他", "", ""],
        ["合计", None, None, None, None, None, None],
    ]
    path = tmp_path / "学习活动.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    call_command("ledger_import", "study_sessions", str(path))
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("提示：第4行 参加人员编号: 王小明不是本组织")
    assert lines[1].startswith("提示：第5行 学习日期: 2024-03-01 不在主题教育期间")
    assert "新增 2 条" in out
    assert sorted(StudySession.objects.values_list("code", flat=True)) == ["XX-1", "XX-2"]

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([rows[2], [1, "XX-3", "QSH-A-1", "2023-10-16", "自学"]]))
    with pytest.raises(SystemExit) as exit_code:
        call_command("ledger_import", "study_sessions", str(bad))
    assert exit_code.value.code == 1
    assert "第2行 学习形式:" in capsys.readouterr().out
    assert not StudySession.objects.filter(code="XX-3").exists()


def test_the_list_counts_each_sessions_attendees(users, more_people, client_for):
    _session(attendees="P-A1、P-A3、P-A4")
    page = client_for(users.allowed).get("/ledgers/study_sessions/").content.decode()
    assert 'data-label="参加人数">3<' in page
