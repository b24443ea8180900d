"""No role ever sees a menu entry that leads to 无权访问: every entry shown opens, and
what a role cannot use is not shown. A member lands on their own page."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, write
from taizhang.accounts.models import User
from taizhang.accounts.services import grant_add, user_create
from taizhang.orgs.models import Person
from taizhang.shell import discovery


@pytest.fixture
def everyone(users, district):
    made = dict(vars(users))
    for name, role in (("security", "security"), ("auditor", "auditor")):
        made[name] = user_create(
            actor=None, username=name, password=PASSWORD, role=role, org=district.orgs["QSH"]
        )
    two = user_create(
        actor=None, username="two", password=PASSWORD, role="member", org=district.orgs["QSH-A-1"]
    )
    grant_add(actor=None, user=two, role="inspector", org=district.orgs["QSH-B"])
    made["two"] = two
    User.objects.filter(pk=users.member.pk).update(person=Person.objects.get(code="P-A1"))
    made["member"] = User.objects.get(pk=users.member.pk)
    return made


def test_every_entry_shown_opens_for_every_kind_of_user(client, everyone):
    for name, user in everyone.items():
        client.force_login(user)
        shown = discovery.navigation(user)
        assert shown, name
        for url_name, label in shown:
            status = client.get(reverse(url_name)).status_code
            assert status == 200, f"{name} sees {label} but it answers {status}"
        page = client.get(reverse("home")).content.decode()
        for url_name, label in discovery.navigation():
            link = f'href="{reverse(url_name)}">{label}</a>'
            assert (link in page) == ((url_name, label) in shown), f"{name}: {label}"


def test_a_member_sees_only_what_a_member_uses(client, everyone):
    client.force_login(everyone["member"])
    labels = {label for _, label in discovery.navigation(everyone["member"])}
    assert "我的" in labels
    assert not labels & {"调度", "统计", "用户管理", "审计"}
    home = client.get(reverse("home")).content.decode()
    assert "张三" in home and "湖坊村党支部" in home
    me = client.get(reverse("me")).content.decode()
    assert "P-A1" in me and "13800138000" in me  # their own record, in clear


def test_the_member_page_names_the_branch_secretary(client, everyone):
    write("people", [{"code": "P-SJ", "name": "书记甲", "org": "QSH-A-1", "title": "支部书记"}])
    client.force_login(everyone["member"])
    assert "书记：书记甲（支部书记）" in client.get(reverse("me")).content.decode()


def test_an_account_without_a_person_has_no_member_page(client, everyone):
    client.force_login(everyone["office"])
    assert "我的" not in {label for _, label in discovery.navigation(everyone["office"])}
    assert client.get(reverse("me")).status_code == 404


def test_the_system_page_links_only_to_ledgers_the_user_reads(client, everyone):
    import re

    for name, user in everyone.items():
        client.force_login(user)
        page = client.get(reverse("system")).content.decode()
        for href in re.findall(r'href="(/ledgers/[^"]+)"', page):
            assert client.get(href).status_code == 200, f"{name}: {href}"


def test_a_member_who_is_the_secretary_is_told_so(client, everyone):
    write("people", [{"code": "P-A1", "name": "张三", "org": "QSH-A-1", "title": "支部书记"}])
    client.force_login(everyone["member"])
    page = client.get(reverse("me")).content.decode()
    assert "书记：张三（支部书记），即本人" in page and "尚未登记书记" not in page


def test_the_archived_view_keeps_the_organization_filter(client, everyone):
    client.force_login(everyone["office"])
    page = client.get(reverse("ledger-list", args=["people"]), {"org": "QSH-A"}).content.decode()
    assert 'href="?org=QSH-A&amp;archived=1">已归档</a>' in page
