import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.services import user_create


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_and_logout(client, users):
    response = login(client, "allowed", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_account_locks_after_repeated_failures(client, users, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = login(client, "allowed", "wrong-password1")
        assert "用户名或密码错误" in response.content.decode()
    response = login(client, "allowed", PASSWORD)
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(
        dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES + 1)
    ):
        assert login(client, "allowed", PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["abcdefgh", "12345678", "abc123"])
def test_weak_passwords_are_refused_in_chinese(district, password):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None, username="weak", password=password, role="office", org=district.orgs["QSH"]
        )
    assert any(("字母和数字" in m) or ("8" in m) for m in error.value.messages)


def test_password_change_page(client, users):
    client.force_login(users.allowed)
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "onlyletters", "new_password2": "onlyletters"},
    )
    assert "字母和数字" in response.content.decode()
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Newpass2024", "new_password2": "Newpass2024"},
    )
    assert response.status_code == 302
    users.allowed.refresh_from_db()
    assert users.allowed.check_password("Newpass2024")


def test_idle_session_expires(client, users, settings):
    client.force_login(users.allowed)
    assert client.get("/").status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES + 1)
    with time_machine.travel(later):
        response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_admin_site_is_for_admins_only(client, users):
    client.force_login(users.office)
    assert client.get("/admin/").status_code == 302
    client.force_login(users.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/auditentry/").status_code == 200


def test_createuser_and_token_commands(district, capsys, monkeypatch):
    from django.core.management import call_command

    from taizhang.accounts.services import token_user

    monkeypatch.setenv("TAIZHANG_PASSWORD", "Clerk2023pass")
    call_command("createuser", "clerk", role="org_admin", org="QSH-A")
    call_command("token", "clerk")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token_user(token).username == "clerk"
