"""Password expiry, history, the forced change after an administrator sets a password,
and the throttle on the change page's old password."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import User
from taizhang.accounts.services import password_set
from taizhang.core.models import AuditEntry


def change(client, old, new):
    return client.post(
        reverse("password-change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_an_expired_password_is_changed_before_anything_else(client, users, settings):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.PASSWORD_MAX_DAYS + 1)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("login"), {"username": "allowed", "password": PASSWORD})
        assert response.status_code == 302
        for url in ("/", reverse("ledger-list", args=["people"]), reverse("tokens")):
            response = client.get(url)
            assert response.status_code == 302 and response.url == reverse("password-change"), url
        api = client.get("/api/v1/people/")
        assert api.status_code == 403 and "请先修改密码" in api.json()["errors"][0]["message"]
        page = client.get(reverse("password-change")).content.decode()
        assert f"您的密码已使用超过 {settings.PASSWORD_MAX_DAYS} 天" in page
        assert change(client, PASSWORD, "Autumn2026new").status_code == 302
        assert client.get("/").status_code == 200
    user = User.objects.get(username="allowed")
    assert user.password_changed_at >= later - dt.timedelta(seconds=1)


def test_expiry_off_with_zero_days(client, users, settings):
    settings.PASSWORD_MAX_DAYS = 0
    client.force_login(users.allowed)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3000), tick=False):
        client.force_login(users.allowed)
        assert client.get("/").status_code == 200


def test_the_last_five_passwords_are_not_reused(users, settings):
    user = users.allowed
    chosen = [f"Histor{n}-pass" for n in range(1, 6)]
    for password in chosen:
        password_set(actor=user, user=user, password=password)
    for old in [PASSWORD, *chosen][-settings.PASSWORD_HISTORY :]:
        with pytest.raises(ValidationError) as error:
            password_set(actor=user, user=user, password=old)
        assert error.value.messages == ["不能与最近 5 次使用过的密码相同。"]
    # Six passwords ago: allowed again.
    password_set(actor=user, user=user, password=PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert user.password_history.count() == settings.PASSWORD_HISTORY


def test_the_change_page_refuses_a_recent_password_in_chinese(client, users):
    client.force_login(users.allowed)
    assert change(client, PASSWORD, "Winter2026-a").status_code == 302
    response = change(client, "Winter2026-a", PASSWORD)
    assert "不能与最近 5 次使用过的密码相同" in response.content.decode()


def test_a_password_set_by_an_administrator_is_changed_at_first_login(client, users):
    client.force_login(users.admin)
    response = client.post(
        f"/admin/accounts/user/{users.allowed.pk}/password/",
        {"password1": "Reset2026-pass", "password2": "Reset2026-pass", "usable_password": "true"},
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "allowed", "password": "Reset2026-pass"})
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("password-change")
    assert "管理员为您设置了密码" in client.get(reverse("password-change")).content.decode()
    assert change(client, "Reset2026-pass", "Mine2026-pass").status_code == 302
    assert client.get("/").status_code == 200
    assert not User.objects.get(pk=users.allowed.pk).must_change_password


def test_a_user_created_in_admin_changes_the_password_at_first_login(client, users):
    client.force_login(users.admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "clerk",
            "password1": "Start2026-pass",
            "password2": "Start2026-pass",
            "usable_password": "true",
            "grants-TOTAL_FORMS": "0",
            "grants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    clerk = User.objects.get(username="clerk")
    assert clerk.must_change_password and clerk.password_changed_at is not None
    assert AuditEntry.objects.filter(object_key="clerk", action="accounts.password.reset").exists()


def test_the_service_marks_a_password_set_by_someone_else(users):
    password_set(actor=users.admin, user=users.allowed, password="Other2026-pass")
    assert User.objects.get(pk=users.allowed.pk).must_change_password
    password_set(actor=users.allowed, user=users.allowed, password="Owner2026-pass")
    assert not User.objects.get(pk=users.allowed.pk).must_change_password


def test_a_wrong_old_password_counts_toward_the_throttle(client, users, settings):
    client.force_login(users.allowed)
    said = [
        change(client, "Wrong-old-1", "Fresh2026-pass").content.decode()
        for _ in range(settings.LOGIN_MAX_FAILURES)
    ]
    assert "原密码不正确，还可尝试 4 次" in said[0]
    assert "尝试次数过多" in said[-1]
    # Now even the right old password waits.
    assert "尝试次数过多" in change(client, PASSWORD, "Fresh2026-pass").content.decode()
    assert User.objects.get(pk=users.allowed.pk).check_password(PASSWORD)
    client.logout()
    response = client.post(reverse("login"), {"username": "allowed", "password": PASSWORD})
    assert "尝试次数过多" in response.content.decode()
