"""Visits and appeals: bad input, the closed loop of an appeal, transfer, figures."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from conftest import write
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Organization
from taizhang.visits import services
from taizhang.visits.models import Appeal, AppealStatus, Visit

pytestmark = pytest.mark.django_db
FIRM = "91360111MA35L9XK0A"


@pytest.fixture
def firm(district):
    write(
        "enterprises",
        [
            {
                "credit_code": FIRM,
                "name": "南昌鑫盛科技有限公司",
                "local_org": "QSH-A",
                "cadres": "P-A1",
            }
        ],
    )


def _visit(code="ZF-1", **extra):
    return {
        "code": code,
        "visitors": "P-A1",
        "visited_on": "2023-10-18",
        "target_kind": "市场主体",
        "target": FIRM,
        "form": "入户走访",
        **extra,
    }


def _appeal(code="SQ-1", **extra):
    return {
        "code": code,
        "collected_on": "2023-10-18",
        "content": "希望协调解决贷款难问题",
        "org": "QSH-A-1",
        "status": "已受理",
        **extra,
    }


def _write(ledger, rows, actor=None, **kwargs):
    return ledger_write(
        ledger=registry[ledger], actor=actor, rows=[(n, r) for n, r in rows], **kwargs
    )


def test_an_enterprise_needs_its_credit_code(firm):
    missing = _write("visits", [(3, _visit(target=""))])
    assert missing.problems[0].line() == "第3行 对象编码: 市场主体须填写统一社会信用代码"
    unknown = _write("visits", [(4, _visit(target="QSH-A-1"))])
    assert "不是已登记企业的统一社会信用代码" in unknown.problems[0].message
    wrong = _write("visits", [(5, _visit(target_kind="城乡群众"))])
    assert wrong.problems[0].message == "对象类型为城乡群众，对象编码应为组织编码或人员编号"
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(firm):
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    outcome = _write("visits", [(2, _visit(visited_on=later))])
    assert "在今天之后" in outcome.problems[0].message


def test_a_visit_belongs_to_its_visitors_common_organization(firm):
    write("visits", [_visit(), _visit(code="ZF-2", visitors="P-A1、P-A2")])
    paths = dict(Organization.objects.values_list("code", "path"))
    assert Visit.objects.get(code="ZF-1").scope_path == paths["QSH-A-1"]
    assert Visit.objects.get(code="ZF-2").scope_path == paths["QSH-A"]


def test_fed_back_needs_satisfaction_and_only_then(firm):
    no = _write("appeals", [(2, _appeal(status="已反馈", result="已办"))])
    assert no.problems[0].line() == "第2行 满意度: 已反馈的诉求须填写满意度"
    early = _write("appeals", [(3, _appeal(satisfaction="满意"))])
    assert early.problems[0].line() == "第3行 满意度: 只有已反馈的诉求才有满意度"
    closed = _write("appeals", [(4, _appeal(status="已办结"))])
    assert closed.problems[0].message == "已办结的诉求须填写办理结果"


def test_due_date_defaults_to_fifteen_days(firm):
    write("appeals", [_appeal()])
    assert Appeal.objects.get().due_on == dt.date(2023, 11, 2)


def test_the_closed_loop_with_a_reopening(firm, users):
    write("appeals", [_appeal()])
    org_admin = users.allowed

    def step(**values):
        return _write("appeals", [(None, {"code": "SQ-1", **values})], actor=org_admin)

    assert step(status="已办结", result="已答复").written
    appeal = Appeal.objects.get()
    assert appeal.status == AppealStatus.DONE  # 已受理 → 已办结 in one step is allowed
    back = step(status="办理中")
    assert "不能由“已办结”改回“办理中”" in back.problems[0].message
    assert step(status="已反馈", satisfaction="不满意").written
    appeal.refresh_from_db()
    assert (appeal.status, appeal.satisfaction, appeal.reopened) == ("办理中", "", 1)
    assert AuditEntry.objects.filter(action="visits.appeal.reopened", object_key="SQ-1").exists()
    same = step(status="已办结")
    assert same.problems[0].message == "诉求重新办理后，须填写新的办理结果才能办结"
    assert step(status="已办结", result="已协调银行放贷").written
    assert step(status="已反馈", satisfaction="满意").written
    appeal.refresh_from_db()
    assert (appeal.status, appeal.satisfaction, appeal.reopened) == ("已反馈", "满意", 1)


def test_the_command_line_imports_old_rows_in_any_state(firm):
    outcome = _write(
        "appeals",
        [(None, _appeal(status="已反馈", result="已办", satisfaction="不满意"))],
    )
    assert outcome.written
    assert Appeal.objects.get().status == "已反馈"  # as the office's old sheet holds it


def test_transfer_within_the_district_with_a_reason(firm, users):
    write("appeals", [_appeal()])
    appeal = Appeal.objects.get()
    with pytest.raises(services.TransferRefused, match="须说明原因"):
        services.appeal_transfer(actor=users.office, appeal=appeal, org=appeal.org, reason=" ")
    target = Organization.objects.get(code="QSH-B-1")
    outcome = services.appeal_transfer(
        actor=users.office, appeal=appeal, org=target, reason="属京东镇管辖"
    )
    assert outcome.written
    assert Appeal.objects.get().org.code == "QSH-B-1"
    entry = AuditEntry.objects.get(action="visits.appeal.transferred")
    assert entry.after == {"org": "QSH-B-1", "reason": "属京东镇管辖"}


def test_transfer_outside_the_district_is_refused(firm, users):
    # A second district under the same root (as in a province-wide deployment).
    write("orgs", [{"code": "XH", "name": "西湖区委", "parent": "QSH", "kind": "区委"}])
    write("appeals", [_appeal()])
    appeal = Appeal.objects.get()
    with pytest.raises(services.TransferRefused, match="不在本区范围内"):
        services.appeal_transfer(
            actor=None, appeal=appeal, org=Organization.objects.get(code="XH"), reason="误报"
        )


def test_figures_count_distinct_people_and_enterprises(firm, capsys):
    write(
        "visits",
        [
            _visit(),
            _visit(code="ZF-2", visitors="P-A1、P-A2"),
            _visit(code="ZF-3", target_kind="城乡群众", target="QSH-B-1", visitors="P-B1"),
        ],
    )
    write("appeals", [_appeal(visit="ZF-1"), _appeal(code="SQ-2", status="已办结", result="已办")])
    call_command("stats", json=True)
    visits = json.loads(capsys.readouterr().out)["visits"]
    assert (visits["visits"], visits["cadres"], visits["enterprises"]) == (3, 2, 1)
    assert (visits["appeals"], visits["appeals_closed"]) == (2, 1)


def test_demo_gives_the_articles_visit_figures(db, capsys):
    call_command("demo", scale=0.1)
    capsys.readouterr()
    call_command("stats", json=True)
    visits = json.loads(capsys.readouterr().out)["visits"]
    from taizhang.orgs.models import Enterprise, Person

    cadres = Person.objects.filter(enterprises__isnull=False).distinct().count()
    assert visits["cadres"] == cadres and visits["enterprises"] == Enterprise.objects.count()
    assert visits["appeals"] == 178
    states = set(Appeal.objects.values_list("status", flat=True))
    assert states == {"已受理", "办理中", "已办结", "已反馈"}
    assert Appeal.objects.filter(reopened=1).count() == 1
