"""The demo district, at a small scale: its figures come from its rows, and a second run
changes nothing."""

import json

from django.core.management import call_command

from taizhang.accounts.models import User
from taizhang.core.models import AuditEntry
from taizhang.orgs.models import Enterprise, Organization, Person
from taizhang.orgs.validators import credit_code


def test_demo_is_idempotent_and_stats_count_its_rows(db, capsys):
    call_command("demo", scale=0.1)
    audits, people = AuditEntry.objects.count(), Person.objects.count()
    call_command("demo", scale=0.1)
    assert (AuditEntry.objects.count(), Person.objects.count()) == (audits, people)
    capsys.readouterr()

    call_command("stats", json=True)
    figures = json.loads(capsys.readouterr().out)
    assert figures["orgs"] == {
        "organizations": Organization.objects.count(),
        "branches": Organization.objects.filter(kind="党支部").count(),
        "members": Person.objects.filter(is_member=True).count(),
        "leaders": Person.objects.filter(is_leader=True).count(),
    }
    call_command("stats", json=True, org="QSH-01")
    committee = json.loads(capsys.readouterr().out)["orgs"]
    assert 0 < committee["members"] < figures["orgs"]["members"]
    assert committee["leaders"] == 0


def test_demo_rows_are_valid_and_logins_exist(db):
    call_command("demo", scale=0.1)
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        assert credit_code(code) == code
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        "office",
        "leader",
        "orgadmin",
        "inspector",
        "member",
    }
    assert Person.objects.filter(is_leader=True, liaison_orgs__isnull=False).exists()
    assert all(o.path.count(".") == o.depth + 1 for o in Organization.objects.all())
