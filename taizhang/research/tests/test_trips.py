"""Research trips: bad input, the warnings a trip would raise (live, as words), saving
anyway (audited), the target picker, the office's pages, the feed and the figures."""

import json

import pytest
from django.core.management import call_command

from conftest import write
from taizhang.accounts.models import User
from taizhang.accounts.services import user_create
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_archive, ledger_write
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Person
from taizhang.research.models import ResearchCategory, ResearchTrip

pytestmark = pytest.mark.django_db
LEDGER = "research_trips"


def _trip(code="DY-2", **extra):
    return {
        "code": code,
        "topic": "XT-2",
        "leader": "L-2",
        "starts_at": "2023-10-12 09:00",
        "ends_at": "2023-10-12 12:00",
        "target": "QSH-A-1",
        **extra,
    }


def _write(rows, actor=None, **kwargs):
    return ledger_write(
        ledger=registry[LEDGER], actor=actor, rows=[(n, r) for n, r in rows], **kwargs
    )


def _leader(district, code="L-1", username="zhao"):
    user = user_create(
        actor=None,
        username=username,
        password="Ld-2023-pass!",
        role="leader",
        org=district.orgs["QSH"],
    )
    User.objects.filter(pk=user.pk).update(person=Person.objects.get(code=code))
    user.refresh_from_db()
    return user


def test_end_before_start_is_refused(research):
    outcome = _write([(4, _trip(ends_at="2023-10-11 09:00"))])
    assert not outcome.ok and outcome.problems[0].line().startswith("第4行 结束时间:")
    assert not ResearchTrip.objects.filter(code="DY-2").exists()


def test_a_target_neither_organization_nor_enterprise_is_refused(research):
    outcome = _write([(5, _trip(target="91360111XXXXXXXXXX"))])
    assert outcome.problems[0].line() == (
        "第5行 调研对象编码: “91360111XXXXXXXXXX”不存在（请填写组织或企业的编码）"
    )


def test_an_enterprise_target_by_credit_code(research):
    assert _write([(None, _trip(target="91360111MA35L9XK0A"))]).written


def test_a_topic_of_an_archived_category_is_refused(research, users):
    # The engine refuses to archive a category that still has topics; a category archived
    # anyway (its topics moved away and back by a restore, an old database) is caught here.
    category = ResearchCategory.objects.get(code="LX-01")
    with pytest.raises(Exception, match="下还有 2 条调研选题"):
        ledger_archive(ledger=registry["research_categories"], actor=None, obj=category)
    ResearchCategory.objects.filter(pk=category.pk).update(archived_at="2023-10-01T00:00Z")
    outcome = _write([(None, _trip())], actor=users.office)
    assert not outcome.ok
    assert outcome.problems[0].message == "选题“XT-2”所属类型“营商环境”已归档"
    topic = ledger_write(
        ledger=registry["research_topics"],
        actor=users.office,
        rows=[(None, {"code": "XT-9", "name": "新选题", "category": "LX-01", "lead": "L-1"})],
    )
    assert topic.problems[0].message == "“LX-01”已归档，不能再引用"


def test_messy_timestamps_are_read(research):
    for n, (start, end) in enumerate(
        [
            ("2023/10/20 9:30", "2023/10/20 11:00"),
            ("2023年10月21日 14:30", "2023年10月21日 17:00:00"),
            ("20231022 08:00", "2023.10.22 12:00"),
        ]
    ):
        outcome = _write([(None, _trip(code=f"DY-T{n}", starts_at=start, ends_at=end))])
        assert outcome.written, [p.line() for p in outcome.problems]
    trip = ResearchTrip.objects.get(code="DY-T1")
    assert trip.starts_at.isoformat() == "2023-10-21T06:30:00+00:00"


def test_crowding_is_a_warning_in_words_with_free_days(research, users):
    outcome = _write([(None, _trip())], actor=users.office, confirmed=False)
    assert outcome.held and not outcome.written
    lines = [w.message for w in outcome.warnings]
    assert "与 赵书记 10月9日 调研同一对象，间隔 3 天（扎堆调研，DY-1）" in lines
    # Working days at least 7 days from DY-1 (not 国庆, not a weekend), nearest first.
    assert "该调研对象最近的空档：10月17日、10月18日、10月19日" in lines
    assert not ResearchTrip.objects.filter(code="DY-2").exists()


def test_multi_head_and_duplicate_warnings(research, users):
    later = {"starts_at": "2023-11-20 09:00", "ends_at": "2023-11-20 12:00"}
    multi = _write([(None, _trip(**later))], actor=users.office, confirmed=False)
    assert [w.message for w in multi.warnings] == [
        "与 赵书记 牵头的同类选题《优化营商环境》调研同一对象（赵书记 10月9日，多头调研，DY-1）"
    ]
    again = _write(
        [(None, _trip(topic="XT-1", leader="L-1", **later))], actor=users.office, confirmed=False
    )
    assert [w.message for w in again.warnings] == [
        "选题《优化营商环境》10月9日 由 赵书记 调研同一对象（重复调研，DY-1）"
    ]


def test_a_cancelled_trip_raises_nothing(research, users):
    outcome = _write([(None, _trip(status="已取消"))], actor=users.office, confirmed=False)
    assert outcome.written and not outcome.warnings


def test_a_trip_by_someone_not_a_leader_is_a_warning(research, users):
    later = {"starts_at": "2023-12-20 09:00", "ends_at": "2023-12-20 12:00", "topic": "XT-3"}
    outcome = _write([(None, _trip(leader="P-A1", **later))], actor=users.office, confirmed=False)
    assert [w.message for w in outcome.warnings] == ["张三不是县处级领导，请核对调研领导"]


def test_saving_anyway_records_who_confirmed(research, users):
    outcome = _write([(None, _trip())], actor=users.office)
    assert outcome.written
    entry = AuditEntry.objects.get(action="core.warnings.confirmed", object_key="DY-2")
    assert entry.actor_id == users.office.pk
    assert any("扎堆调研" in line for line in entry.after["已确认的提示"])


def test_the_form_asks_as_the_fields_change(research, users, client_for):
    client = client_for(users.office)
    form = client.get("/ledgers/research_trips/new/").content.decode()
    assert 'hx-post="/ledgers/research_trips/check/"' in form
    fields = {k: v for k, v in _trip().items()}
    fields["starts_at"], fields["ends_at"] = "2023-10-12T09:00", "2023-10-12T12:00"
    answer = client.post("/ledgers/research_trips/check/", fields).content.decode()
    assert "与 赵书记 10月9日 调研同一对象，间隔 3 天" in answer
    assert not ResearchTrip.objects.filter(code="DY-2").exists()
    calm = client.post("/ledgers/research_trips/check/", {**fields, "target": "QSH-B-1"})
    assert "扎堆" not in calm.content.decode()


def test_the_check_is_a_writers(research, users, client_for):
    response = client_for(users.inspector).post("/ledgers/research_trips/check/", _trip())
    assert response.status_code == 403


def test_target_picker_finds_by_name_code_and_pinyin(research, users, client_for):
    client = client_for(users.office)
    url = "/ledgers/research_trips/pick/?field=target&target="
    assert "湖坊村党支部" in client.get(url + "湖坊").content.decode()
    assert "南昌鑫盛科技有限公司" in client.get(url + "鑫盛").content.decode()
    assert "南昌鑫盛科技有限公司" in client.get(url + "ncxs").content.decode()
    assert "91360111MA35L9XK0A" in client.get(url + "91360111MA35").content.decode()
    sibling = client_for(users.sibling).get(url + "鑫盛").content.decode()
    assert "鑫盛" not in sibling  # the enterprise of 湖坊镇 is not the sibling's


def test_leaders_register_only_their_own_trips(research, district):
    zhao = _leader(district)
    other = _write([(None, _trip(code="DY-3", topic="XT-3"))], actor=zhao)
    assert other.problems[0].message == "领导干部只能登记本人的调研活动"
    own = _write(
        [(None, _trip(code="DY-3", topic="XT-1", leader="L-1", target="QSH-B-1"))], actor=zhao
    )
    assert own.written
    write(
        LEDGER,
        [
            _trip(
                code="DY-4",
                topic="XT-3",
                target="QSH-B-1",
                starts_at="2023-12-01 09:00",
                ends_at="2023-12-01 10:00",
            )
        ],
    )
    from taizhang.core.ledger_write import ArchiveRefused

    with pytest.raises(ArchiveRefused):
        ledger_archive(
            ledger=registry[LEDGER], actor=zhao, obj=ResearchTrip.objects.get(code="DY-4")
        )


def test_conflicts_page_cli_and_figure_agree(research, users, client_for, capsys):
    write(LEDGER, [_trip()])
    page = client_for(users.office).get("/research/").content.decode()
    assert "扎堆、多头、重复调研：共 2 组" in page  # crowding and multi-head at QSH-A-1
    call_command("research", "conflicts", "--json")
    found = json.loads(capsys.readouterr().out)
    assert found == [
        {"kind": "crowding", "target": "QSH-A-1", "trips": ["DY-1", "DY-2"]},
        {"kind": "multi_head", "target": "QSH-A-1", "trips": ["DY-1", "DY-2"]},
    ]
    call_command("stats", json=True)
    assert json.loads(capsys.readouterr().out)["research"]["conflicts"] == 2
    call_command("research", "conflicts", "--json", "--org", "QSH-B")
    assert json.loads(capsys.readouterr().out) == []


def test_target_history_and_calendars_read_through_the_door(research, users, client_for):
    office = client_for(users.office)
    history = office.get("/research/targets/QSH-A-1/").content.decode()
    assert "DY-1" in history and "湖坊村党支部" in history
    month = office.get("/research/leaders/L-1/?month=2023-10-01").content.decode()
    assert "赵书记" in month and "DY-1" in month
    assert client_for(users.member).get("/research/").status_code == 403
    # Research is the leaders' and the office's: an org admin reads none of it.
    assert client_for(users.sibling).get("/research/targets/QSH-A-1/").status_code == 403


def test_a_leaders_feed(research, district, client):
    zhao = _leader(district)
    client.force_login(zhao)
    client.post("/research/leaders/L-1/feed/")
    page = client.get("/research/leaders/L-1/").content.decode()
    url = page.split('id="feed-url">')[1].split("<")[0]
    client.logout()
    ics = client.get(url.replace("http://testserver", ""))
    assert ics.status_code == 200 and "UID:DY-1@taizhang" in ics.content.decode()
    assert client.get("/research/calendar/nope.ics").status_code == 404
    other = _leader(district, code="L-2", username="qian")
    client.force_login(other)
    assert client.post("/research/leaders/L-1/feed/").status_code == 403


def test_overview_lists_topics_to_chase(research, users, client_for):
    write(LEDGER, [_trip(code="DY-9", status="已完成", target="QSH-B-1")])
    write(
        "research_reports",
        [{"code": "BG-1", "topic": "XT-1", "title": "报告", "finished_on": "2023-11-01"}],
    )
    page = client_for(users.office).get("/research/overview/").content.decode()
    no_trip = page.split('id="no-trip"')[1].split("</ul>")[0]
    no_report = page.split('id="no-report"')[1].split("</ul>")[0]
    assert "网格化治理" in no_trip and "惠企政策直达" not in no_trip
    assert "惠企政策直达" in no_report and "优化营商环境" not in no_report


def test_demo_gives_the_articles_research_figures(db, capsys):
    call_command("demo", scale=0.1)
    capsys.readouterr()
    call_command("stats", json=True)
    research = json.loads(capsys.readouterr().out)["research"]
    assert (research["categories"], research["topics"], research["trips"], research["reports"]) == (
        12,
        37,
        52,
        37,
    )
    assert research["conflicts"] >= 3
    call_command("research", "conflicts", "--json")
    kinds = {f["kind"] for f in json.loads(capsys.readouterr().out)}
    assert kinds == {"crowding", "multi_head", "duplicate"}


def test_a_new_database_has_the_twelve_types(db):
    from taizhang.research.services import DEFAULT_CATEGORIES, categories_ensure_defaults

    assert list(ResearchCategory.objects.order_by("code").values_list("name", flat=True)) == (
        DEFAULT_CATEGORIES
    )
    assert categories_ensure_defaults() is None  # once: the office's edits stay
