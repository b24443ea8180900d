"""Sessions end after SESSION_MAX_HOURS however active, logouts are audited; API tokens
expire, are revoked (by hand, on password change, on deactivation) and audited."""

import datetime as dt

import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import ApiToken
from taizhang.accounts.services import password_set, token_create, token_user
from taizhang.core.models import AuditEntry

START = dt.datetime(2026, 3, 2, 8, 0, 0, tzinfo=dt.UTC)


def log_in(client, username="allowed"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def bearer(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_session_ends_after_its_lifetime_however_active(client, users, settings):
    with time_machine.travel(START, tick=False):
        log_in(client)
    step = dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES - 5)
    moment = START
    while moment + step < START + dt.timedelta(hours=settings.SESSION_MAX_HOURS):
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get("/").status_code == 200, moment
    end = START + dt.timedelta(hours=settings.SESSION_MAX_HOURS, minutes=1)
    with time_machine.travel(end, tick=False):
        response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    entry = AuditEntry.objects.get(action="accounts.logout", object_key="allowed")
    assert entry.after == {"方式": "会话到期（超过最长会话时间）"}


def test_idle_and_own_logouts_are_audited(client, users, settings):
    with time_machine.travel(START, tick=False):
        log_in(client)
    idle = START + dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES + 1)
    with time_machine.travel(idle, tick=False):
        assert client.get("/").status_code == 302
        log_in(client)
        client.post(reverse("logout"))
    hows = list(
        AuditEntry.objects.filter(action="accounts.logout", object_key="allowed")
        .order_by("id")
        .values_list("after__方式", flat=True)
    )
    assert hows == ["空闲超时", "用户退出"]


def test_expired_and_revoked_tokens_are_refused_with_401(users, settings):
    token = token_create(actor=None, user=users.allowed, name="报表")
    assert bearer(token).get("/api/v1/people/").status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.TOKEN_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = bearer(token).get("/api/v1/people/")
    assert response.status_code == 401 and response.json()["errors"]

    other = token_create(actor=None, user=users.allowed, name="同步")
    client = Client()
    client.force_login(users.allowed)
    pk = ApiToken.objects.get(name="同步").pk
    client.post(reverse("token-revoke", args=[pk]))
    assert bearer(other).get("/api/v1/people/").status_code == 401
    assert AuditEntry.objects.filter(
        action="accounts.token.revoked", object_key="allowed", after__原因="本人吊销"
    ).exists()


def test_a_password_change_and_a_deactivation_revoke_every_token(client, users):
    first = token_create(actor=None, user=users.allowed)
    password_set(actor=users.allowed, user=users.allowed, password="Change2026-pass")
    assert token_user(first) is None
    assert ApiToken.objects.get(user=users.allowed).revoked_at is not None

    second = token_create(actor=None, user=users.inspector)
    client.force_login(users.admin)
    user = users.inspector
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "display_name": "督导组",
            "date_joined_0": "2023-09-15",
            "date_joined_1": "08:00:00",
            "grants-TOTAL_FORMS": "0",
            "grants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ApiToken.objects.get(user=users.inspector).revoked_at is not None
    assert token_user(second) is None
    assert AuditEntry.objects.filter(
        action="accounts.token.revoked", object_key="inspector", after__原因="停用账号"
    ).exists()


def test_the_tokens_page_issues_once_lists_and_revokes_only_ones_own(client, users):
    client.force_login(users.allowed)
    response = client.post(reverse("tokens"), {"name": "数据同步"})
    token = response.context["issued"]
    assert token in response.content.decode()
    page = client.get(reverse("tokens")).content.decode()
    assert "数据同步" in page and token not in page and "从未使用" in page
    assert token_user(token).username == "allowed"
    assert "从未使用" not in client.get(reverse("tokens")).content.decode()

    foreign = ApiToken.objects.get(user=users.allowed)
    client.force_login(users.sibling)
    assert client.post(reverse("token-revoke", args=[foreign.pk])).status_code == 404
    assert token_user(token) is not None
    assert "数据同步" not in client.get(reverse("tokens")).content.decode()


def test_a_system_administrator_lists_and_revokes_any_token(client, users):
    token = token_create(actor=None, user=users.allowed, name="外部系统")
    client.force_login(users.admin)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "外部系统" in listing and token not in listing
    pk = ApiToken.objects.get(name="外部系统").pk
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [pk]}
    )
    assert response.status_code == 302
    assert token_user(token) is None
    assert AuditEntry.objects.filter(
        action="accounts.token.revoked", actor=users.admin, after__原因="系统管理员吊销"
    ).exists()


def test_token_use_is_audited_at_most_once_a_minute(users):
    token = token_create(actor=None, user=users.allowed, name="脚本")
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            assert bearer(token).get("/api/v1/people/").status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        assert bearer(token).get("/api/v1/people/").status_code == 200
    uses = AuditEntry.objects.filter(action="accounts.token.used", object_key="allowed")
    assert uses.count() == 2
    assert uses.first().after["名称"] == "脚本"


def test_the_token_command_takes_days(district, users, capsys, settings):
    def lifetime(token):
        found = ApiToken.objects.get(digest=ApiToken.digest_of(token))
        return found.expires_at - found.created_at

    call_command("token", "allowed", days=7)
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert abs(lifetime(token) - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    call_command("token", "allowed")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert abs(lifetime(token) - dt.timedelta(days=settings.TOKEN_DAYS)) < dt.timedelta(minutes=1)
