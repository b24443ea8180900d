"""Every key the engine accepts names a reachable row: a key is refused when it holds a
character a URL cannot carry in a path segment; any other is reachable, encoded."""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write

NOTES = registry["notes"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(min_size=1, max_size=30))
def test_an_accepted_key_is_reachable_and_a_refused_one_says_why(client_for, users, key):
    outcome = ledger_write(
        ledger=NOTES,
        actor=None,
        rows=[(None, {"code": key, "org": "QSH-A-1", "noted_on": "2023-10-01"})],
    )
    if not outcome.ok:
        assert all(any("\u4e00" <= c <= "\u9fff" for c in p.message) for p in outcome.problems)
        return
    stored = NOTES.key.parse(key)
    client = client_for(users.allowed)
    assert client.get(reverse("ledger-detail", args=["notes", stored])).status_code == 200
    listed = client.get(reverse("ledger-list", args=["notes"]), {"page_size": 200})
    assert listed.status_code == 200


def test_a_key_with_a_slash_is_refused_and_the_list_still_renders(client_for, users):
    outcome = ledger_write(
        ledger=NOTES,
        actor=None,
        rows=[(None, {"code": "0/../x", "org": "QSH-A-1", "noted_on": "2023-10-01"})],
    )
    assert [p.message for p in outcome.problems] == [
        "“0/../x”含有编号中不允许的字符（如 / \\ 或控制字符）"
    ]
    assert client_for(users.allowed).get(reverse("ledger-list", args=["notes"])).status_code == 200


def test_the_pages_of_a_whole_ledger_are_words_no_key_may_take(district):
    """/ledgers/people/print/ is the print page, so no row may be keyed "print"."""
    from taizhang.core import urls
    from taizhang.core.ledger import RESERVED_KEYS

    prefix = "ledgers/<str:name>/"
    words = {
        str(p.pattern)[len(prefix) :].split("/")[0]
        for p in urls.urlpatterns
        if str(p.pattern).startswith(prefix) and not str(p.pattern)[len(prefix) :].startswith("<")
    }
    assert words - {""} and words - {""} <= RESERVED_KEYS  # "" is the list itself
    for word in sorted(RESERVED_KEYS):
        outcome = ledger_write(
            ledger=NOTES,
            actor=None,
            rows=[(None, {"code": word, "org": "QSH-A-1", "noted_on": "2023-10-01"})],
        )
        assert [p.message for p in outcome.problems] == [
            f"“{word}”是系统保留的地址名，不能用作编号"
        ]
