"""Findings of the attack on the account pages: a person's record gives an account its
receipts and reports, so only a manager of that person may link it, once; mobile
numbers stay masked in the audit."""

from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import User
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.models import AuditEntry


def _manager_reading_everything(district):
    """An office at one 党委 who also inspects (reads) the whole district."""
    user = user_create(
        actor=None, username="mgr", password=PASSWORD, role="office", org=district.orgs["QSH-B"]
    )
    grant_add(actor=None, user=user, role="inspector", org=district.orgs["QSH"])
    return User.objects.get(pk=user.pk)


def _create(client, person, username="imp", mobile=""):
    data = {
        "username": username,
        "display_name": "冒名",
        "role": "member",
        "org": "QSH-B-1",
        "person": person,
        "mobile": mobile,
    }
    return client.post(reverse("user-create"), data)


def test_a_person_outside_the_managers_subtree_cannot_be_linked(client, district, users):
    client.force_login(_manager_reading_everything(district))
    refused = _create(client, "L-1")  # the district leader: readable, not managed
    assert "不存在、不在您的管理范围内或已关联其他账号" in refused.content.decode()
    assert not User.objects.filter(username="imp").exists()
    _create(client, "P-B1", username="mine")
    assert User.objects.get(username="mine").person.code == "P-B1"


def test_a_person_already_linked_to_an_account_is_not_linked_again(client, district, users):
    client.force_login(users.office)
    _create(client, "P-B1", username="first")
    assert User.objects.get(username="first").person.code == "P-B1"
    again = _create(client, "P-B1", username="second")
    assert "已关联其他账号" in again.content.decode()
    assert not User.objects.filter(username="second").exists()


def test_the_audit_of_a_new_account_keeps_its_mobile_masked(client, district, users):
    client.force_login(users.office)
    _create(client, "", username="mob", mobile="13912345678")
    entry = AuditEntry.objects.get(object_key="mob", action="accounts.user.created")
    assert entry.after["手机号码"] == "139****5678"
    assert "13912345678" not in str(entry.before) + str(entry.after)
