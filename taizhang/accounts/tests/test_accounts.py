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


@pytest.mark.parametrize(
    "password,reason",
    [
        ("abcdefgh", "至少三类"),
        ("12345678", "至少三类"),
        ("abc123", "10"),
        ("password1", "至少三类"),  # found by the penetration test
        ("office123", "至少三类"),
        ("12345678a", "至少三类"),
        ("Password123", "常见"),  # three classes, but a common password
        ("Office-2024", "相似"),  # too like the username
    ],
)
def test_weak_passwords_are_refused_in_chinese(district, password, reason):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None,
            username="office",
            password=password,
            role="office",
            org=district.orgs["QSH"],
        )
    assert any(reason in m for m in error.value.messages), error.value.messages


def test_password_change_page(client, users):
    client.force_login(users.allowed)
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "onlyletters", "new_password2": "onlyletters"},
    )
    assert "至少三类" in response.content.decode()
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
    # Separation of duties: the system administrator does not read the audit (/audit/).
    assert client.get("/admin/core/auditentry/").status_code == 404


def test_createuser_and_token_commands(district, capsys, monkeypatch):
    from django.core.management import call_command

    from taizhang.accounts.services import token_user

    monkeypatch.setenv("TAIZHANG_PASSWORD", "Clerk2023pass")
    call_command("createuser", "clerk", role="org_admin", org="QSH-A")
    call_command("token", "clerk")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token_user(token).username == "clerk"


def test_grants_changed_in_admin_are_audited(client, users, district):
    from taizhang.accounts.models import Grant
    from taizhang.core.models import AuditEntry

    client.force_login(users.admin)
    user = users.inspector
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "username": user.username,
        "display_name": "督导组",
        "is_active": "on",
        "date_joined_0": "2023-09-15",
        "date_joined_1": "08:00:00",
        "grants-TOTAL_FORMS": "2",
        "grants-INITIAL_FORMS": "1",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
        "grants-0-id": str(user.grants.get().pk),
        "grants-0-user": str(user.pk),
        "grants-0-role": "inspector",
        "grants-0-org": str(district.orgs["QSH"].pk),
        "grants-1-user": str(user.pk),
        "grants-1-role": "org_admin",
        "grants-1-org": str(district.orgs["QSH-B"].pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Grant.objects.filter(user=user, role="org_admin", org__code="QSH-B").exists()
    entry = AuditEntry.objects.filter(
        ledger="users", object_key="inspector", action="grant", actor=users.admin
    ).get()
    assert entry.after == {"role": "org_admin", "org": "QSH-B"}


def test_ledger_rows_are_read_only_in_admin(client, users):
    client.force_login(users.admin)
    assert client.get("/admin/orgs/person/").status_code == 200
    assert client.get("/admin/orgs/person/add/").status_code == 403


def test_activity_keeps_the_session_alive(client, users, settings):
    client.force_login(users.allowed)
    start = dt.datetime.now(dt.UTC)
    for minutes in (20, 40, 60):
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200, minutes
