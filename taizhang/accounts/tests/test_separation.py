"""Separation of duties (三员分立): no account holds two of admin, security, auditor —
through the grant service, the command line or Django admin — and no administrator
grants itself the security or auditor role."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from conftest import PASSWORD
from taizhang.accounts.models import Grant, Role
from taizhang.accounts.services import grant_add, user_create

REFUSAL = "三员分立"


def grants_post(user, rows, initial=()):
    """The admin change form of `user`: keep `initial` grants, add `rows` (role, org pk)."""
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "is_active": "on",
        "date_joined_0": "2023-09-15",
        "date_joined_1": "08:00:00",
        "grants-TOTAL_FORMS": str(len(initial) + len(rows)),
        "grants-INITIAL_FORMS": str(len(initial)),
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    for n, (grant, delete) in enumerate(initial):
        data |= {
            f"grants-{n}-id": str(grant.pk),
            f"grants-{n}-user": str(user.pk),
            f"grants-{n}-role": grant.role,
            f"grants-{n}-org": str(grant.org_id),
        }
        if delete:
            data[f"grants-{n}-DELETE"] = "on"
    for n, (role, org) in enumerate(rows, start=len(initial)):
        data |= {
            f"grants-{n}-user": str(user.pk),
            f"grants-{n}-role": role,
            f"grants-{n}-org": str(org.pk),
        }
    return data


def test_the_roles_exist_with_chinese_names():
    assert Role("security").label == "安全管理员"
    assert Role("auditor").label == "安全审计员"


@pytest.mark.parametrize("first,second", [("admin", "security"), ("security", "auditor")])
def test_the_grant_service_refuses_two_exclusive_roles(users, district, first, second):
    user = user_create(
        actor=None, username="dual", password=PASSWORD, role=first, org=district.orgs["QSH"]
    )
    with pytest.raises(ValidationError) as error:
        grant_add(actor=users.admin, user=user, role=second, org=district.orgs["QSH-A"])
    assert REFUSAL in error.value.messages[0]
    assert set(user.grants.values_list("role", flat=True)) == {first}
    # Any other role is fine.
    grant_add(actor=users.admin, user=user, role="inspector", org=district.orgs["QSH"])


def test_the_command_line_refuses_it_in_chinese(users, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("createuser", "admin", role="auditor", org="QSH")
    assert exit_.value.code == 1
    assert REFUSAL in capsys.readouterr().err
    assert not Grant.objects.filter(user=users.admin, role="auditor").exists()


def test_django_admin_refuses_two_exclusive_roles_for_one_account(client, users, district):
    client.force_login(users.admin)
    user = users.inspector
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        grants_post(user, [("security", district.orgs["QSH"]), ("auditor", district.orgs["QSH"])]),
    )
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert not Grant.objects.filter(user=user, role__in=["security", "auditor"]).exists()


def test_django_admin_gives_the_security_role_to_someone_else(client, users, district):
    client.force_login(users.admin)
    user = users.inspector
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        grants_post(user, [("security", district.orgs["QSH"])]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Grant.objects.filter(user=user, role="security").exists()


@pytest.mark.parametrize("role", ["security", "auditor"])
def test_an_administrator_cannot_give_itself_security_or_auditor(client, users, district, role):
    """Not even by dropping its own admin grant in the same form."""
    client.force_login(users.admin)
    admin_grant = Grant.objects.get(user=users.admin, role="admin")
    response = client.post(
        f"/admin/accounts/user/{users.admin.pk}/change/",
        grants_post(users.admin, [(role, district.orgs["QSH"])], initial=[(admin_grant, True)]),
    )
    assert response.status_code == 200
    assert "不能为自己授予安全管理员或安全审计员角色" in response.content.decode()
    assert set(users.admin.grants.values_list("role", flat=True)) == {"admin"}


def test_security_and_auditor_do_not_enter_django_admin(client, district):
    for role in ("security", "auditor"):
        user = user_create(
            actor=None, username=role, password=PASSWORD, role=role, org=district.orgs["QSH"]
        )
        client.force_login(user)
        assert client.get("/admin/").status_code == 302, role
    assert user.is_security_admin is False  # the auditor


def test_admin_cannot_take_over_a_security_account_by_resetting_its_password(
    client, users, district, monkeypatch, capsys
):
    from taizhang.accounts.models import User

    security = user_create(
        actor=None, username="sec", password=PASSWORD, role="security", org=district.orgs["QSH"]
    )
    client.force_login(users.admin)
    response = client.post(
        f"/admin/accounts/user/{security.pk}/password/",
        {"password1": "Takeover-2026", "password2": "Takeover-2026", "usable_password": "true"},
        follow=True,
    )
    assert "三员分立" in response.content.decode()
    assert User.objects.get(pk=security.pk).check_password(PASSWORD)
    # The operator on the server can; the owner changes it at next login.
    monkeypatch.setenv("TAIZHANG_PASSWORD", "Server-set-2026")
    call_command("password", "sec")
    assert "已为用户 sec 设置密码" in capsys.readouterr().out
    again = User.objects.get(pk=security.pk)
    assert again.check_password("Server-set-2026") and again.must_change_password


def test_who_reads_the_audit(users, district):
    auditor = user_create(
        actor=None, username="aud", password=PASSWORD, role="auditor", org=district.orgs["QSH"]
    )
    security = user_create(
        actor=None, username="sec", password=PASSWORD, role="security", org=district.orgs["QSH"]
    )
    branch = user_create(
        actor=None, username="aud2", password=PASSWORD, role="auditor", org=district.orgs["QSH-A"]
    )
    assert auditor.may_read_audit and security.may_read_audit
    assert not users.admin.may_read_audit and not users.office.may_read_audit
    assert not branch.may_read_audit  # only over the root
