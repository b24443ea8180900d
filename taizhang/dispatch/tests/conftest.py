import pytest

from conftest import write


@pytest.fixture
def groups(district):
    write(
        "work_groups",
        [
            {"code": "WG-A", "name": "湖坊工作组", "leader": "P-A1", "members": ["P-A1"]},
            {"code": "WG-B", "name": "京东工作组", "leader": "P-B1"},
        ],
    )
