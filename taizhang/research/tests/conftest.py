import pytest

from conftest import write
from taizhang.core.cells import SHANGHAI


@pytest.fixture
def research(district):
    """Two leaders (赵书记 L-1, 钱区长 L-2), one enterprise, a category with two topics led
    by each, and one trip of L-1 at 湖坊镇第1党支部 on 2023-10-09."""
    write("people", [{"code": "L-2", "name": "钱区长", "org": "QSH", "is_leader": "是"}])
    write(
        "enterprises",
        [
            {
                "credit_code": "91360111MA35L9XK0A",
                "name": "南昌鑫盛科技有限公司",
                "local_org": "QSH-A",
            }
        ],
    )
    write(
        "research_categories",
        [{"code": "LX-01", "name": "营商环境"}, {"code": "LX-02", "name": "基层治理"}],
    )
    write(
        "research_topics",
        [
            {"code": "XT-1", "name": "优化营商环境", "category": "LX-01", "lead": "L-1"},
            {"code": "XT-2", "name": "惠企政策直达", "category": "LX-01", "lead": "L-2"},
            {"code": "XT-3", "name": "网格化治理", "category": "LX-02", "lead": "L-2"},
        ],
    )
    write(
        "research_trips",
        [
            {
                "code": "DY-1",
                "topic": "XT-1",
                "leader": "L-1",
                "starts_at": "2023-10-09 09:00",
                "ends_at": "2023-10-09 17:00",
                "target": "QSH-A-1",
            }
        ],
    )
    return SHANGHAI
