"""Django admin rights follow the grants (never a stored flag); one login path with one
lock-out and one audit; no secret ever reaches the audit."""

import json

from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import Grant, User
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.models import AuditEntry


def test_only_an_admin_of_the_root_enters_admin_and_only_while_granted(client, users, district):
    client.force_login(users.admin)
    assert client.get("/admin/").status_code == 200
    branch_admin = user_create(
        actor=None, username="ba", password=PASSWORD, role="admin", org=district.orgs["QSH-A"]
    )
    client.force_login(branch_admin)
    assert client.get("/admin/").status_code == 302  # to the login page
    assert client.get("/admin/orgs/person/").status_code == 302
    Grant.objects.filter(user=users.admin, role="admin").delete()
    client.force_login(User.objects.get(pk=users.admin.pk))
    assert client.get("/admin/").status_code == 302
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_a_branch_admin_cannot_grant_itself_the_root_through_admin(client, district):
    user = user_create(
        actor=None, username="ba2", password=PASSWORD, role="admin", org=district.orgs["QSH-A"]
    )
    client.force_login(user)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "grants-TOTAL_FORMS": "1",
            "grants-INITIAL_FORMS": "0",
            "grants-0-role": "admin",
            "grants-0-org": district.orgs["QSH"].pk,
        },
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Grant.objects.filter(user=user, org=district.orgs["QSH"]).exists()


def test_admin_login_is_the_one_login_page_with_its_lock_out(client, users, settings):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(reverse("login"), {"username": "admin", "password": "wrong-Passw0rd"})
    response = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert "尝试次数过多" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert (
        AuditEntry.objects.filter(ledger="users", object_key="admin", action="login").count() >= 5
    )


def test_no_audit_entry_ever_holds_a_password_or_token(
    client, users, district, settings, monkeypatch, capsys
):
    import pyotp
    from django.core.management import call_command

    from taizhang.accounts.services import password_set, token_create

    client.force_login(users.admin)
    secret = "Zz9-unique-Secret-2023"
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "password1": secret,
            "password2": secret,
            "usable_password": "true",
            "grants-TOTAL_FORMS": "0",
            "grants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-800:]
    newbie = User.objects.get(username="newbie")
    response = client.post(
        f"/admin/accounts/user/{newbie.pk}/password/",
        {"password1": secret + "x", "password2": secret + "x", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_key="newbie", after__事项="管理员重置密码").exists()
    password_set(actor=users.admin, user=newbie, password=secret + "y")
    token = token_create(actor=users.admin, user=newbie)
    grant_add(actor=users.admin, user=newbie, role="inspector", org=district.orgs["QSH"])
    # The command line: a password from the environment, a token.
    monkeypatch.setenv("TAIZHANG_PASSWORD", secret + "c")
    call_command("createuser", "clerk", role="org_admin", org="QSH-A")
    call_command("token", "clerk", days=3)
    cli_token = capsys.readouterr().out.strip().splitlines()[-1]
    # The change page, the token page, a wrong password typed as a username.
    client.force_login(users.allowed)
    client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": secret + "p", "new_password2": secret + "p"},
    )
    page_token = client.post(reverse("tokens"), {"name": "同步"}).context["issued"]
    client.logout()
    client.post(reverse("login"), {"username": secret + "u", "password": secret + "w"})
    # Two factors: the secret, a wrong code, the recovery codes, one of them used.
    settings.TWO_FACTOR_ROLES = ["office"]
    client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    otp_secret = client.get(reverse("two-factor-enrol")).context["secret"]
    client.post(reverse("two-factor-enrol"), {"code": "000000"})
    enrolled = client.post(reverse("two-factor-enrol"), {"code": pyotp.TOTP(otp_secret).now()})
    codes = enrolled.context["codes"]
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert client.post(reverse("two-factor"), {"code": codes[0]}).status_code == 302
    regenerated = client.post(reverse("recovery-codes-regenerate")).context["codes"]
    # 用户管理: a new user, a reset and an import, each with generated passwords, and the
    # one-time keys and password files that deliver them.
    generated, keys = _generated_passwords(client_for_admin=client, users=users)
    dumped = json.dumps(
        [(e.object_key, e.before, e.after) for e in AuditEntry.objects.all()], ensure_ascii=False
    )
    for leaked in (
        secret,
        secret + "x",
        secret + "y",
        secret + "c",
        secret + "p",
        secret + "w",
        token,
        cli_token,
        page_token,
        otp_secret,
        *codes,
        *regenerated,
        *generated,
        *keys,
        "password1",
        "password2",
    ):
        assert leaked not in dumped, leaked


def _generated_passwords(*, client_for_admin, users) -> tuple[list[str], list[str]]:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from python_calamine import CalamineWorkbook

    from conftest import xlsx_bytes

    client = client_for_admin
    client.force_login(users.office)
    pages = [
        client.post(
            reverse("user-create"),
            {"username": "gen1", "display_name": "甲", "role": "member", "org": "QSH-A-1"},
        ),
        client.post(reverse("user-password-reset", args=[users.member.pk])),
    ]
    sheet = xlsx_bytes(
        [["用户名", "姓名", "角色", "授权组织编码"], ["gen2", "乙", "党员", "QSH-B-1"]]
    )
    preview = client.post(reverse("users-import"), {"file": SimpleUploadedFile("a.xlsx", sheet)})
    pages.append(client.post(reverse("users-import-commit"), {"token": preview.context["token"]}))
    passwords, keys = [], []
    for page in pages:
        keys.append(page.context["key"])
        response = client.post(
            reverse("password-file"), {"token": page.context["token"], "key": page.context["key"]}
        )
        rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        passwords += [row[2] for row in rows.get_sheet_by_index(0).to_python()[1:]]
    assert len(passwords) == 3 and all(len(p) >= 10 for p in passwords)
    return passwords, keys


def test_pages_api_and_exports_are_never_cached(client_for, users):
    client = client_for(users.allowed)
    for url in ("/", reverse("ledger-list", args=["people"]), "/api/v1/people/"):
        assert client.get(url)["Cache-Control"] == "no-store", url
    export = client.get(reverse("ledger-export", args=["people"]))
    assert export["Cache-Control"] == "no-store"
