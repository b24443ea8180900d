"""用户管理 without Django admin: scope of who manages whom, the audited writes, the
one-time password file and the forced change at first login."""

import io
import json

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse
from python_calamine import CalamineWorkbook

from conftest import PASSWORD
from taizhang.accounts import managing as manage
from taizhang.accounts.managing import Refused
from taizhang.accounts.models import ApiToken, Grant, LoginThrottle, PasswordDelivery, User
from taizhang.accounts.services import login_failed, token_create, user_create
from taizhang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_office(district):
    """An office user of one town (镇): 湖坊镇党委 QSH-A; its sibling is QSH-B."""
    return user_create(
        actor=None,
        username="townoffice",
        password=PASSWORD,
        role="office",
        org=district.orgs["QSH-A"],
    )


def sheet_rows(content: bytes) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python()


def download(client, page) -> tuple[int, object]:
    token, key = page.context["token"], page.context["key"]
    response = client.post(reverse("password-file"), {"token": token, "key": key})
    return response.status_code, response


def passwords_of(response) -> dict[str, str]:
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][:4] == ["用户名", "姓名", "初始密码", "组织"]
    return {row[0]: row[2] for row in rows[1:]}


# ---------------------------------------------------------------- who manages whom


def test_only_admin_and_office_reach_the_pages(client_for, users):
    for user in (users.allowed, users.inspector, users.member):
        client = client_for(user)
        for name in ("users", "user-create", "users-import", "grant-holders"):
            assert client.get(reverse(name)).status_code == 403, (user, name)
        assert client.post(reverse("user-disable", args=[users.member.pk])).status_code == 403
    assert client_for(users.office).get(reverse("users")).status_code == 200


def test_office_of_a_town_sees_and_manages_only_its_town(client_for, users, town_office, district):
    client = client_for(town_office)
    listed = client.get(reverse("users")).context["rows"]
    assert {u.username for u, _, _ in listed} == {"townoffice", "allowed", "member"}
    # A user of the sibling town does not exist for this office: 404, nothing written.
    for name in ("user-detail", "user-disable", "user-unlock", "user-password-reset"):
        method = client.get if name == "user-detail" else client.post
        assert method(reverse(name, args=[users.sibling.pk])).status_code == 404
    assert User.objects.get(pk=users.sibling.pk).is_active
    # Within its town: disable, enable.
    assert client.post(reverse("user-disable", args=[users.member.pk])).status_code == 302
    assert not User.objects.get(pk=users.member.pk).is_active
    assert AuditEntry.objects.filter(action="accounts.user.disabled", object_key="member").exists()
    client.post(reverse("user-enable", args=[users.member.pk]))
    assert User.objects.get(pk=users.member.pk).is_active
    assert AuditEntry.objects.filter(action="accounts.user.enabled", object_key="member").exists()


def test_office_cannot_grant_admin_nor_outside_its_town(users, town_office, district):
    member = users.member
    with pytest.raises(Refused, match="不能授予“系统管理员”"):
        manage.grant_add(actor=town_office, user=member, role="admin", org=district.orgs["QSH-A"])
    with pytest.raises(Refused, match="不能授予“主题教育办”"):
        manage.grant_add(
            actor=town_office, user=member, role="office", org=district.orgs["QSH-A-1"]
        )
    with pytest.raises(Refused, match="QSH-B-1”不存在或不在您的管理范围内"):
        manage.grant_add(
            actor=town_office, user=member, role="member", org=district.orgs["QSH-B-1"]
        )
    grant = manage.grant_add(
        actor=town_office, user=member, role="org_admin", org=district.orgs["QSH-A-2"]
    )
    entry = AuditEntry.objects.get(action="accounts.grant.added", object_key="member")
    assert entry.after == {"角色": "党组织管理员", "组织": "QSH-A-2"}
    manage.grant_remove(actor=town_office, grant=grant)
    assert AuditEntry.objects.filter(action="accounts.grant.removed", object_key="member").exists()
    # The last grant stays: disable the account instead.
    with pytest.raises(Refused, match="唯一的授权"):
        manage.grant_remove(actor=town_office, grant=member.grants.get())
    assert Grant.objects.filter(user=member).count() == 1


def test_the_page_refuses_a_grant_of_admin_in_chinese(client_for, users, town_office):
    client = client_for(town_office)
    response = client.post(
        reverse("grant-add", args=[users.member.pk]), {"role": "admin", "org": "QSH-A"}, follow=True
    )
    assert "您不能授予“系统管理员”角色" in response.content.decode()
    assert not Grant.objects.filter(user=users.member, role="admin").exists()


def test_a_two_grant_user_is_seen_but_not_disabled_by_one_town(users, town_office, district):
    both = user_create(
        actor=None,
        username="both",
        password=PASSWORD,
        role="org_admin",
        org=district.orgs["QSH-A-1"],
    )
    Grant.objects.create(user=both, role="member", org=district.orgs["QSH-B-1"])
    assert manage.users_managed(town_office).filter(pk=both.pk).exists()
    with pytest.raises(Refused, match="党员·京东村党支部"):
        manage.user_disable(actor=town_office, user=both)
    with pytest.raises(Refused):
        manage.password_reset(actor=town_office, user=both)
    # The grant inside the town is the town's to remove; the other is not.
    with pytest.raises(Refused, match="无权移除"):
        manage.grant_remove(actor=town_office, grant=both.grants.get(role="member"))
    manage.grant_remove(actor=town_office, grant=both.grants.get(role="org_admin"))
    # The district's system administrator manages the account.
    manage.user_disable(actor=users.admin, user=both)
    assert not User.objects.get(pk=both.pk).is_active


def test_separation_of_duties_holds(users, district):
    auditor = user_create(
        actor=None, username="shenji", password=PASSWORD, role="auditor", org=district.orgs["QSH"]
    )
    with pytest.raises(Refused, match="三员分立"):
        manage.grant_add(actor=users.admin, user=auditor, role="security", org=district.orgs["QSH"])
    with pytest.raises(Refused, match="三员分立"):
        manage.password_reset(actor=users.admin, user=auditor)
    with pytest.raises(Refused, match="自己"):
        manage.grant_add(
            actor=users.admin, user=users.admin, role="security", org=district.orgs["QSH"]
        )
    with pytest.raises(Refused, match="自己"):
        manage.user_disable(actor=users.admin, user=users.admin)


def test_unlock_lifts_the_wait(client_for, users, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        login_failed(username="member", source="10.0.0.1")
    assert manage.login_locked(users.member)
    client = client_for(users.office)
    page = client.get(reverse("user-detail", args=[users.member.pk]))
    assert page.context["state"] == "登录受限"
    client.post(reverse("user-unlock", args=[users.member.pk]))
    assert not LoginThrottle.objects.filter(username="member").exists()
    assert AuditEntry.objects.filter(action="accounts.user.unlocked", object_key="member").exists()


# ---------------------------------------------------------------- create, reset, file


def test_create_a_user_then_its_password_file_once(client, client_for, users, district):
    office = client_for(users.office)
    page = office.post(
        reverse("user-create"),
        {
            "username": "secretary1",
            "display_name": "张三",
            "person": "P-A1",
            "role": "org_admin",
            "org": "QSH-A-1",
            "mobile": "13800138001",
        },
    )
    assert page.status_code == 200
    new = User.objects.get(username="secretary1")
    assert new.must_change_password and new.person.code == "P-A1"
    assert list(new.grants.values_list("role", "org__code")) == [("org_admin", "QSH-A-1")]
    status, response = download(office, page)
    assert status == 200
    password = passwords_of(response)["secretary1"]
    assert authenticate(username="secretary1", password=password) is not None
    # Never stored in clear, never shown again.
    assert password not in json.dumps(
        list(PasswordDelivery.objects.values("accounts", "key_digest", "token")), ensure_ascii=False
    )
    again = office.post(
        reverse("password-file"), {"token": page.context["token"], "key": page.context["key"]}
    )
    assert again.status_code == 410
    assert "只提供一次，不会再次显示" in again.content.decode()
    assert AuditEntry.objects.filter(
        action="accounts.user.created", object_key="secretary1"
    ).exists()
    assert AuditEntry.objects.filter(action="accounts.password_file.downloaded").count() == 1
    # Forced change at first login.
    office.logout()
    client.post(reverse("login"), {"username": "secretary1", "password": password})
    assert client.get("/").url == reverse("password-change")


def test_the_file_needs_the_key_and_its_creator(client_for, users, district):
    office = client_for(users.office)
    page = office.post(
        reverse("user-create"),
        {"username": "s2", "display_name": "李四", "role": "member", "org": "QSH-B-1"},
    )
    token = page.context["token"]
    wrong = office.post(reverse("password-file"), {"token": token, "key": "x" * 43})
    assert wrong.status_code == 410
    other = client_for(users.admin).post(
        reverse("password-file"), {"token": token, "key": page.context["key"]}
    )
    assert other.status_code == 410
    assert PasswordDelivery.objects.get(token=token).downloaded_at is None


def test_the_file_expires(client_for, users, district, settings):
    import time_machine
    from django.utils import timezone

    settings.PASSWORD_FILE_MINUTES = 5  # within the session's idle timeout
    office = client_for(users.office)
    page = office.post(
        reverse("user-create"),
        {"username": "s3", "display_name": "王五", "role": "member", "org": "QSH-B-1"},
    )
    later = timezone.now() + timezone.timedelta(minutes=settings.PASSWORD_FILE_MINUTES + 1)
    with time_machine.travel(later):
        status, response = download(office, page)
    assert status == 410 and "已过期" in response.content.decode()


def test_reset_password_delivers_once_forces_a_change_and_revokes_tokens(client_for, users):
    token_create(actor=users.member, user=users.member)
    office = client_for(users.office)
    page = office.post(reverse("user-password-reset", args=[users.member.pk]))
    assert page.status_code == 200
    member = User.objects.get(pk=users.member.pk)
    assert member.must_change_password
    assert not member.check_password(PASSWORD)
    assert not ApiToken.objects.filter(user=member, revoked_at=None).exists()
    status, response = download(office, page)
    password = passwords_of(response)["member"]
    assert authenticate(username="member", password=password) is not None
    entry = AuditEntry.objects.get(action="accounts.password.reset", object_key="member")
    assert password not in json.dumps([entry.before, entry.after], ensure_ascii=False)


def test_grant_holders_listed_and_exported_with_an_audit_entry(client_for, users, town_office):
    client = client_for(town_office)
    page = client.get(reverse("grant-holders"), {"org": "QSH-A"})
    listed = {(g.user.username, g.role, g.org.code) for g, _ in page.context["rows"]}
    assert listed == {
        ("townoffice", "office", "QSH-A"),
        ("allowed", "org_admin", "QSH-A"),
        ("member", "member", "QSH-A-1"),
    }
    response = client.get(reverse("grant-holders"), {"org": "QSH-A", "format": "xlsx"})
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0] == ["用户名", "姓名", "角色", "组织编码", "组织", "最近登录", "状态"]
    assert {(r[0], r[3]) for r in rows[1:]} == {(u, o) for u, _, o in listed}
    entry = AuditEntry.objects.get(action="accounts.grants.exported")
    assert entry.after["条数"] == 3 and entry.after["组织"] == "QSH-A"
    # The sibling town is not in this office's list, even when asked for.
    assert client.get(reverse("grant-holders"), {"org": "QSH-B"}).context["count"] == 0


def test_login_page_names_the_district_and_the_system(client, district):
    page = client.get(reverse("login")).content.decode()
    assert "青山湖区 · 主题教育台账" in page
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_django_admin_labels_of_the_accounts_models_are_chinese(client_for, users):
    from django.apps import apps

    for model in apps.get_app_config("accounts").get_models():
        assert not str(model._meta.verbose_name).isascii(), model
        for field in model._meta.get_fields():
            if field.concrete and field.name != "id":
                assert not str(field.verbose_name).isascii(), (model.__name__, field.name)
    client = client_for(users.admin)
    for url in ("/admin/accounts/user/", "/admin/accounts/apitoken/"):
        page = client.get(url).content.decode()
        for english in (">User<", ">Name<", ">Created at<", ">Role<", ">Org<", ">Digest<"):
            assert english not in page, (url, english)
    assert ">授权<" in client.get("/admin/accounts/user/").content.decode()
    # Still for the system administrator only.
    assert client_for(users.office).get("/admin/accounts/user/").status_code == 302
