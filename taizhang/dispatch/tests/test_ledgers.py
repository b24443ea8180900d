"""Bad input of the dispatch ledgers: a Chinese message naming the field, nothing written."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from conftest import write
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.dispatch.models import Prompt, Receipt, Task
from taizhang.shell.demo import demo_run


def _refused(ledger, row, actor=None):
    outcome = ledger_write(ledger=registry[ledger], actor=actor, rows=[(None, row)])
    assert not outcome.ok and not outcome.written
    return {(p.header, p.message) for p in outcome.problems}


TASK = {"code": "T1", "name": "任务", "org": "QSH-A-1", "due_on": "2023-11-30"}


@pytest.mark.parametrize(
    "change, header, words",
    [
        ({"org": ""}, "责任工作组编码", "至少填写一项"),
        ({"start_on": "2023-12-01"}, "截止日期", "早于开始日期"),
        ({"progress": "120"}, "完成进度", ""),
        ({"progress": "六成"}, "完成进度", ""),
        ({"status": "已完成", "progress": "80"}, "任务状态", "未到 100%"),
        ({"source_meeting": "HY-NOPE"}, "来源会议编号", "不存在"),
    ],
)
def test_bad_tasks_are_refused_naming_the_field(users, change, header, words):
    problems = _refused("tasks", {**TASK, **change}, actor=users.office)
    assert any(h == header and words in m for h, m in problems), problems
    assert not Task.objects.exists()


def test_a_task_is_done_only_at_100(users):
    write("tasks", [{**TASK, "status": "已完成", "progress": "100%"}], actor=users.office)
    assert Task.objects.get().status == "已完成"


def test_an_sms_prompt_needs_its_text_and_written_prompts_are_numbered_per_year(users):
    row = {
        "code": "S1",
        "title": "短信",
        "tier": "基层党组织",
        "form": "短信",
        "issued_on": "2023-10-01",
    }
    assert ("内容", "短信提示必须填写内容（短信正文）") in _refused("prompts", row, users.office)
    written = [
        {
            "code": f"W{n}",
            "title": f"提示{n}",
            "tier": "基层党组织",
            "form": "书面",
            "issued_on": f"{year}-10-0{n}",
        }
        for n, year in ((1, 2023), (2, 2023), (3, 2024))
    ]
    write("prompts", written, actor=users.office)
    numbers = dict(Prompt.objects.values_list("code", "doc_number"))
    assert numbers == {"W1": "〔2023〕1号", "W2": "〔2023〕2号", "W3": "〔2024〕1号"}
    write(
        "prompts",
        [
            {
                "code": "W4",
                "title": "再发",
                "tier": "基层党组织",
                "form": "书面",
                "issued_on": "2023-12-01",
            }
        ],
        actor=users.office,
    )
    assert Prompt.objects.get(code="W4").doc_number == "〔2023〕3号"
    # Editing keeps the number.
    write("prompts", [{"code": "W1", "title": "提示1（改）"}], actor=users.office)
    assert Prompt.objects.get(code="W1").doc_number == "〔2023〕1号"


def test_recipients_follow_the_tier(users):
    write(
        "prompts",
        [
            {
                "code": "L1",
                "title": "领导",
                "tier": "县处级领导干部",
                "form": "书面",
                "issued_on": "2023-10-01",
            },
            {
                "code": "B1",
                "title": "支部",
                "tier": "基层党组织",
                "form": "书面",
                "issued_on": "2023-10-01",
            },
            {
                "code": "C1",
                "title": "党委",
                "tier": "基层党组织",
                "form": "短信",
                "issued_on": "2023-10-01",
                "body": "请学习",
                "target_kinds": "党委",
            },
        ],
        actor=users.office,
    )
    people = set(Receipt.objects.filter(prompt__code="L1").values_list("person__code", flat=True))
    assert people == {"L-1"}  # the one person with 县处级领导 是
    branches = set(Receipt.objects.filter(prompt__code="B1").values_list("org__code", flat=True))
    assert branches == {"QSH-A-1", "QSH-A-2", "QSH-B-1"}
    committees = set(Receipt.objects.filter(prompt__code="C1").values_list("org__code", flat=True))
    assert committees == {"QSH-A", "QSH-B"}


def test_notice_rules(users):
    problems = _refused(
        "notices",
        {
            "code": "Z1",
            "org": "QSH-A-1",
            "issued_on": "2023-10-10",
            "matter": "整改",
            "deadline": "2023-10-01",
        },
        users.office,
    )
    assert any(h == "整改时限" for h, _ in problems)
    write(
        "notices",
        [{"code": "Z2", "org": "QSH-A-1", "issued_on": "2023-10-10", "matter": "整改"}],
        actor=users.office,
    )
    # An org admin above the branch issued it and may close it; the branch itself may not.
    from taizhang.accounts.services import user_create

    branch_admin = user_create(
        actor=None,
        username="branch",
        password="Passw0rd2023",
        role="org_admin",
        org=users.allowed.grants.first().org.children.get(code="QSH-A-1"),
    )
    problems = _refused("notices", {"code": "Z2", "status": "已办结"}, branch_admin)
    assert ("状态", "整改单只能由发出单位办结") in problems


def test_demo_figures_come_from_its_rows(db, capsys):
    with time_machine.travel(dt.datetime(2023, 11, 1, 12, tzinfo=dt.UTC), tick=False):
        demo_run(seed=2023, factor=0.05)
        call_command("stats", "--json")
        stats = json.loads(capsys.readouterr().out)
    assert stats["prompts"]["written"] == 12 and stats["prompts"]["sms"] == 37
    tasks = Task.objects.filter(archived_at=None)
    assert stats["dispatch"]["tasks"] == tasks.count() >= 55
    assert stats["dispatch"]["tasks_done"] == tasks.filter(status="已完成").count()
    overdue = tasks.exclude(status="已完成").filter(due_on__lt=dt.date(2023, 11, 1)).count()
    assert stats["dispatch"]["tasks_overdue"] == overdue > 0
    assert stats["dispatch"]["meetings_office"] == 11  # Mondays 2023-09-18 … 2023-11-27
    assert stats["dispatch"]["meetings_leading_group"] == 3
    unsigned = Prompt.objects.filter(receipts__signed_at=None).distinct().count()
    assert stats["prompts"]["unsigned"] == unsigned
    signed = Receipt.objects.exclude(signed_at=None).count()
    assert signed > Receipt.objects.filter(signed_at=None).count()  # most signed
    assert {"已发出", "已反馈", "已办结"} <= set(
        registry["notices"].model.objects.values_list("status", flat=True)
    )


def test_figures_drill_down_to_their_rows(client_for, users):
    write(
        "tasks",
        [
            {**TASK, "code": "T-LATE", "due_on": "2023-10-01"},
            {
                **TASK,
                "code": "T-DONE",
                "due_on": "2023-10-01",
                "status": "已完成",
                "progress": "100",
            },
            {**TASK, "code": "T-LATER", "due_on": "2099-10-01"},
        ],
        actor=users.office,
    )
    page = client_for(users.office).get("/ledgers/tasks/", {"figure": "dispatch.tasks_overdue"})
    text = page.content.decode()
    assert "共 1 条" in text and "T-LATE" in text and "T-LATER" not in text
