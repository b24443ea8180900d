"""Two factors for the roles in TWO_FACTOR_ROLES: enrolment at first login, a code (or a
recovery code) at every login, nothing reachable in between, no code accepted twice."""

import datetime as dt
import json

import pyotp
import pytest
import time_machine
from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import RecoveryCode, TwoFactor
from taizhang.accounts.services import user_create
from taizhang.core.models import AuditEntry

START = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["admin", "office"]


def password_step(client, username="office", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def pending_secret(client) -> str:
    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200
    return page.context["secret"]


def enrol(client, username="office"):
    """Password, then enrolment with a current code: (secret, recovery codes)."""
    assert password_step(client, username).url == reverse("two-factor-enrol")
    secret = pending_secret(client)
    response = client.post(reverse("two-factor-enrol"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    return secret, response.context["codes"]


def code_at(secret, when):
    return pyotp.TOTP(secret).at(when)


def test_nothing_is_reachable_between_password_and_second_factor(client, users):
    response = password_step(client)
    assert response.status_code == 302 and response.url == reverse("two-factor-enrol")
    assert "_auth_user_id" not in client.session
    for url in ("/", reverse("ledger-list", args=["people"]), reverse("account"), "/admin/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("login")), url
    assert client.get("/api/v1/people/").status_code == 401
    assert client.get(reverse("two-factor-enrol")).status_code == 200


def test_enrolment_then_login_with_a_code(client, users):
    with time_machine.travel(START, tick=False):
        secret, codes = enrol(client)
        assert client.get("/").status_code == 200
        assert client.session["_auth_user_id"] == str(users.office.pk)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=users.office).values_list("digest", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, not the codes
    assert TwoFactor.objects.get(user=users.office).secret == secret
    assert AuditEntry.objects.filter(action="accounts.2fa.enrolled", object_key="office").exists()
    client.post(reverse("logout"))

    later = START + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        response = password_step(client)
        assert response.url == reverse("two-factor")
        assert client.get("/").status_code == 302
        response = client.post(reverse("two-factor"), {"code": code_at(secret, later)})
        assert response.status_code == 302 and response.url == "/"
        assert client.get("/").status_code == 200


def test_a_code_is_not_accepted_twice(client, users):
    with time_machine.travel(START, tick=False):
        secret, _ = enrol(client)
        client.post(reverse("logout"))
        # The code used to enrol is spent: the same 30 seconds, the same code.
        password_step(client)
        response = client.post(reverse("two-factor"), {"code": code_at(secret, START)})
        assert "验证码不正确或已使用" in response.content.decode()
        assert "_auth_user_id" not in client.session
    later = START + dt.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        code = code_at(secret, later)
        assert client.post(reverse("two-factor"), {"code": code}).status_code == 302
        client.post(reverse("logout"))
        password_step(client)
        response = client.post(reverse("two-factor"), {"code": code})
        assert "验证码不正确或已使用" in response.content.decode()


def test_a_recovery_code_works_once_and_regenerating_voids_the_old_set(client, users):
    with time_machine.travel(START, tick=False):
        _, codes = enrol(client)
        client.post(reverse("logout"))
        password_step(client)
        response = client.post(reverse("two-factor"), {"code": codes[0].upper()})
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="accounts.2fa.recovery_used", object_key="office")
        assert entry.after == {"剩余恢复码": 9}
        client.post(reverse("logout"))
        password_step(client)
        response = client.post(reverse("two-factor"), {"code": codes[0]})
        assert "验证码不正确或已使用" in response.content.decode()
        assert client.post(reverse("two-factor"), {"code": codes[1]}).status_code == 302

        response = client.post(reverse("recovery-codes-regenerate"))
        fresh = response.context["codes"]
        assert len(fresh) == 10 and not set(fresh) & set(codes)
        assert AuditEntry.objects.filter(action="accounts.2fa.recovery_regenerated").exists()
        client.post(reverse("logout"))
        password_step(client)
        response = client.post(reverse("two-factor"), {"code": codes[2]})
        assert "验证码不正确或已使用" in response.content.decode()
        assert client.post(reverse("two-factor"), {"code": fresh[0]}).status_code == 302


def test_recovery_codes_download_as_text_only_for_their_owner(client, users):
    _, codes = enrol(client)
    response = client.post(reverse("recovery-codes-download"), {"code": codes})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    text = response.content.decode("utf-8-sig")
    assert all(code in text for code in codes)
    forged = client.post(reverse("recovery-codes-download"), {"code": ["aaaa-bbbb-cccc-dddd"]})
    assert forged.status_code == 404
    client.force_login(users.admin)
    assert client.post(reverse("recovery-codes-download"), {"code": codes}).status_code == 404


def test_wrong_codes_count_toward_the_login_throttle(client, users, settings):
    with time_machine.travel(START, tick=False):
        enrol(client)
        client.post(reverse("logout"))
        password_step(client)
        said = [
            client.post(reverse("two-factor"), {"code": "000000"}).content.decode()
            for _ in range(settings.LOGIN_MAX_FAILURES)
        ]
        # The wait holds for the password step too.
        client.post(reverse("logout"))
        assert "尝试次数过多" in password_step(client).content.decode()
    assert "还可尝试 4 次" in said[0]
    assert "尝试次数过多" in said[-1]
    assert (
        AuditEntry.objects.filter(
            action="login", object_key="office", after__result="验证码错误"
        ).count()
        == settings.LOGIN_MAX_FAILURES
    )


def test_wrong_code_at_enrolment_is_refused_and_counted(client, users):
    password_step(client)
    response = client.post(reverse("two-factor-enrol"), {"code": "12345"})
    assert "验证码不正确，还可尝试 4 次" in response.content.decode()
    assert not TwoFactor.objects.filter(user=users.office).exists()
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(client, users):
    with time_machine.travel(START, tick=False):
        password_step(client)
    with time_machine.travel(START + dt.timedelta(minutes=6), tick=False):
        response = client.get(reverse("two-factor-enrol"))
    assert response.status_code == 302 and response.url == reverse("login")


def test_roles_without_a_second_factor_and_the_setting_off(client, users, settings):
    assert password_step(client, "allowed").url == "/"  # org_admin: not in the list
    client.post(reverse("logout"))
    settings.TWO_FACTOR_ROLES = []
    assert password_step(client, "office").url == "/"


def test_the_qr_code_is_drawn_on_the_page_and_the_secret_shown(client, users):
    password_step(client)
    page = client.get(reverse("two-factor-enrol")).content.decode()
    assert "<svg" in page and "<path" in page and "data:" not in page
    assert "style=" not in page and "<script>" not in page


def test_a_security_administrator_resets_a_second_factor(client, users, district):
    with time_machine.travel(START, tick=False):
        enrol(client)
    security = user_create(
        actor=None, username="sec", password=PASSWORD, role="security", org=district.orgs["QSH"]
    )
    client.force_login(users.office)
    reset = reverse("security-two-factor-reset")
    assert client.post(reset, {"username": "office"}).status_code == 403
    client.force_login(security)
    assert "office" in client.get(reverse("security")).content.decode()
    client.post(reset, {"username": "office"})
    assert not TwoFactor.objects.filter(user=users.office).exists()
    assert not RecoveryCode.objects.filter(user=users.office).exists()
    assert AuditEntry.objects.filter(
        action="accounts.2fa.reset", object_key="office", actor=security
    ).exists()
    client.logout()
    assert password_step(client).url == reverse("two-factor-enrol")


def test_a_system_administrator_resets_a_second_factor_in_admin(client, users):
    with time_machine.travel(START, tick=False):
        enrol(client)
    client.force_login(users.admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [users.office.pk]},
    )
    assert response.status_code == 302
    assert not TwoFactor.objects.filter(user=users.office).exists()
    assert AuditEntry.objects.filter(
        action="accounts.2fa.reset", object_key="office", actor=users.admin
    ).exists()


def test_the_secret_and_the_codes_never_reach_the_audit(client, users):
    with time_machine.travel(START, tick=False):
        secret, codes = enrol(client)
    dumped = json.dumps([(e.before, e.after) for e in AuditEntry.objects.all()], ensure_ascii=False)
    for leaked in (secret, *codes):
        assert leaked not in dumped
