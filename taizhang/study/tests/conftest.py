import pytest

from conftest import write
from taizhang.accounts.models import User
from taizhang.orgs.models import Person


@pytest.fixture
def member_person(users):
    """The member account is 张三 (P-A1) of 湖坊镇第1党支部."""
    User.objects.filter(pk=users.member.pk).update(person=Person.objects.get(code="P-A1"))
    users.member.refresh_from_db()
    return Person.objects.get(code="P-A1")


@pytest.fixture
def more_people(district):
    write(
        "people",
        [
            {"code": "P-A3", "name": "刘流动", "org": "QSH-A-1", "kinds": "流动党员"},
            {"code": "P-A4", "name": "陈老", "org": "QSH-A-1", "kinds": "离退休、年老体弱"},
            {"code": "P-A5", "name": "非党员", "org": "QSH-A-1", "is_member": "否"},
        ],
    )
