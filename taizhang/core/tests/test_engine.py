"""The engine carries any ledger of LEDGERS.md without changes to itself: a declaration
over an existing model exercises the kinds the four base ledgers do not use."""

import random

from taizhang.core.ledger import Column, Ledger
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.demo import _credit_code
from taizhang.orgs.models import Person


class TargetLedger(Ledger):
    """Like research trips: 调研对象编码 is an 组织编码 or a 统一社会信用代码."""

    name = "test_targets"
    title = "测试"
    model = Person
    columns = [
        Column("人员编号", "code", "code", required=True),
        Column("姓名", "name", "text", required=True),
        Column("所在组织编码", "org", "ref", required=True, ref="orgs"),
        Column("调研对象编码", "title", "anyref", ref=("orgs", "enterprises")),
    ]


def test_a_code_of_any_of_several_ledgers(district):
    from conftest import write

    company = _credit_code(random.Random(7), 7)
    write("enterprises", [{"credit_code": company, "name": "某公司"}])
    ledger = TargetLedger()
    rows = [
        (2, {"code": "T1", "name": "甲", "org": "QSH-A-1", "title": "QSH-B"}),
        (3, {"code": "T2", "name": "乙", "org": "QSH-A-1", "title": company}),
        (4, {"code": "T3", "name": "丙", "org": "QSH-A-1", "title": "91360111XXXXXXXXXX"}),
    ]
    outcome = ledger_write(ledger=ledger, actor=None, rows=rows)
    assert [p.line() for p in outcome.problems] == [
        "第4行 调研对象编码: “91360111XXXXXXXXXX”不存在（请填写组织或企业的编码）"
    ]
    assert ledger_write(ledger=ledger, actor=None, rows=rows[:2]).ok
    assert dict(Person.objects.filter(code__in=["T1", "T2"]).values_list("code", "title")) == {
        "T1": "QSH-B",
        "T2": company,
    }


def test_new_instances_hold_defaults_like_django_makes_them():
    from taizhang.core.bulk import new_instances

    made, expected = new_instances(Person, 2)[0], Person()
    for field in Person._meta.concrete_fields:
        assert getattr(made, field.attname) == getattr(expected, field.attname), field.name
    assert made._state.adding and made.pk is None
