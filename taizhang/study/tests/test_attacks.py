"""Attacks on the study app: other branches' rows through every page and endpoint,
two-grant users, the JSON API, hostile inputs, masking and leaders' articles. Each test
asserts the secure (or correct) outcome: it fails while the hole exists."""

import datetime as dt
import io
import json
import random
import re
import time
import zipfile

import pytest
import time_machine
from django.core.management import call_command

from conftest import write
from taizhang.accounts.models import User
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.attachments import attachment_store
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.models import Person
from taizhang.study import corpus, services
from taizhang.study.models import SignIn, StudyArticle, StudyForm, StudySession

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
ON_THE_DAY = dt.datetime(2023, 10, 16, 15, tzinfo=SHANGHAI)
pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def sessions(more_people):
    """XX-A at 湖坊村党支部 (QSH-A-1), XX-B at 京东村党支部 (QSH-B-1), same day."""
    write(
        "study_sessions",
        [
            {
                "code": "XX-A",
                "org": "QSH-A-1",
                "held_on": "2023-10-16",
                "form": "支部集中学习",
                "topic": "湖坊学习",
            },
            {
                "code": "XX-B",
                "org": "QSH-B-1",
                "held_on": "2023-10-16",
                "form": "支部集中学习",
                "topic": "京东学习",
                "attendees": "P-B1",
            },
        ],
    )
    return {s.code: s for s in StudySession.objects.all()}


@pytest.fixture
def two_grants(users, district):
    """wm: org_admin@QSH-A + member@QSH-B-1; wr: org_admin@QSH-A + inspector@QSH."""

    def make(name, second_role, second_org):
        user = user_create(
            actor=None,
            username=name,
            password="Two-grants-2023!",
            role="org_admin",
            org=district.orgs["QSH-A"],
        )
        grant_add(actor=None, user=user, role=second_role, org=district.orgs[second_org])
        return User.objects.get(pk=user.pk)

    return make("wm", "member", "QSH-B-1"), make("wr", "inspector", "QSH")


@pytest.fixture
def leader(users, district):
    user = user_create(
        actor=None, username="ld", password="Ld-2023-pass!", role="leader", org=district.orgs["QSH"]
    )
    User.objects.filter(pk=user.pk).update(person=Person.objects.get(code="L-1"))
    return User.objects.get(pk=user.pk)


def _texts():
    rng = random.Random(7)
    original = corpus.article(rng, "乡村振兴")
    return {
        "original": original,
        "copy": corpus.light_copy(rng, original),
        "other": corpus.article(rng, "营商环境"),
    }


def _article(code, body, author, title=None):
    return {
        "code": code,
        "author": author,
        "title": title or f"体会{code}",
        "finished_on": "2023-10-20",
        "body": body,
    }


@pytest.fixture
def articles(district):
    """WZ-A by 张三 (QSH-A-1), WZ-B by 李四 (QSH-B-1), WZ-L by 赵书记 (the district)."""
    texts = _texts()
    write(
        "study_articles",
        [
            _article("WZ-A", texts["original"], "P-A1", title="湖坊机密体会"),
            _article("WZ-B", texts["other"], "P-B1"),
            _article("WZ-L", "领导本人的学习体会，结合分管工作谈认识。", "L-1"),
        ],
    )
    return texts


def _attendees(code):
    return sorted(StudySession.objects.get(code=code).attendees.values_list("code", flat=True))


# -- pages of other branches -------------------------------------------------------------


def test_sibling_gets_404_on_every_page_of_another_branch(users, sessions, client_for):
    client = client_for(users.sibling)
    for url in (
        "/study/?org=QSH-A",
        "/study/?org=QSH-A-1",
        "/study/reach.xlsx?org=QSH-A-1",
        "/study/categories/?org=QSH-A",
        "/study/sessions/XX-A/attendance/",
        "/study/sessions/XX-A/code/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/study/sessions/XX-A/attendance/", {"people": []}).status_code == 404
    assert _attendees("XX-A") == []


def test_a_member_grant_opens_no_page_of_its_branch(two_grants, sessions, client_for):
    wm, _ = two_grants
    client = client_for(wm)
    for url in (
        "/study/?org=QSH-B-1",
        "/study/categories/?org=QSH-B-1",
        "/study/reach.xlsx?org=QSH-B-1",
        "/study/sessions/XX-B/attendance/",
        "/study/sessions/XX-B/code/",
    ):
        assert client.get(url).status_code == 404, url
    client.post("/study/sessions/XX-B/attendance/", {"people": []})
    assert _attendees("XX-B") == ["P-B1"]


def test_an_inspector_grant_shows_no_sign_in_code_and_saves_no_checklist(
    two_grants, sessions, client_for
):
    _, wr = two_grants
    client = client_for(wr)
    assert client.get("/study/sessions/XX-B/code/").status_code == 403
    assert client.post("/study/sessions/XX-B/attendance/", {"people": []}).status_code == 403
    assert _attendees("XX-B") == ["P-B1"]
    page = client.get("/study/sessions/XX-B/attendance/").content.decode()
    assert StudySession.objects.get(code="XX-B").sign_token not in page


def test_inspector_cannot_save_a_checklist(users, sessions, client_for):
    client = client_for(users.inspector)
    assert client.post("/study/sessions/XX-A/attendance/", {"people": ["P-A1"]}).status_code == 403
    assert _attendees("XX-A") == []


def test_checklist_post_with_another_branchs_people_is_refused(users, sessions, client_for):
    client = client_for(users.allowed)
    client.post("/study/sessions/XX-A/attendance/", {"people": ["P-A1", "P-B1"]})
    assert _attendees("XX-A") == []


def test_checklist_post_by_org_admin_plus_inspector_cannot_mark_other_branch_reached(
    two_grants, sessions, client_for
):
    """The checklist lists the branch's members; a forged POST names 李四 of 京东村
    (read through the inspector grant only): his 不掉队 status is QSH-B's business."""
    _, wr = two_grants
    client_for(wr).post("/study/sessions/XX-A/attendance/", {"people": ["P-A1", "P-B1"]})
    assert "P-B1" not in _attendees("XX-A")


def test_home_delivery_for_another_branchs_member_is_not_found(users, sessions, client_for):
    response = client_for(users.allowed).post("/study/home-delivery/", {"person": "P-B1"})
    assert response.status_code == 404
    assert not StudySession.objects.filter(form=StudyForm.AT_HOME).exists()


def test_return_training_at_another_branch_is_refused(users, sessions, client_for):
    client = client_for(users.allowed)
    assert (
        client.post(
            "/study/return-training/",
            {"org": "QSH-B-1", "people": ["P-A3"], "on": "2023-10-02"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/study/return-training/",
            {"org": "QSH-A-1", "people": ["P-B1"], "on": "2023-10-02"},
        ).status_code
        == 404
    )
    assert not StudySession.objects.filter(form=StudyForm.MOBILE).exists()


def test_return_training_by_org_admin_plus_inspector_names_no_other_branch(
    two_grants, sessions, client_for
):
    _, wr = two_grants
    client_for(wr).post(
        "/study/return-training/",
        {"org": "QSH-A-1", "people": ["P-A3", "P-B1"], "on": "2023-10-02"},
    )
    for session in StudySession.objects.filter(form=StudyForm.MOBILE):
        assert "P-B1" not in session.attendees.values_list("code", flat=True)


def test_return_training_only_for_mobile_members(users, sessions, client_for):
    """返乡培训 is for 流动党员: 张三 (青年) is not one."""
    client_for(users.allowed).post(
        "/study/return-training/",
        {"org": "QSH-A-1", "people": ["P-A1"], "on": "2023-10-02"},
    )
    for session in StudySession.objects.filter(form=StudyForm.MOBILE):
        assert "P-A1" not in session.attendees.values_list("code", flat=True)


def test_checklist_saved_from_a_stale_page_keeps_a_later_sign_in(
    users, sessions, member_person, client_for
):
    """The secretary opened the checklist before 张三 scanned the code; saving it must not
    silently undo his sign-in (he then cannot sign in again: "已签到")."""
    secretary = client_for(users.allowed)
    page = secretary.get("/study/sessions/XX-A/attendance/").content.decode()
    assert 'value="P-A1">' in page  # listed, not ticked
    with time_machine.travel(ON_THE_DAY):
        services.session_sign_in(user=users.member, token=sessions["XX-A"].sign_token)
    secretary.post("/study/sessions/XX-A/attendance/", {"people": ["P-A4"]})
    assert "P-A1" in _attendees("XX-A")


# -- sign-in -----------------------------------------------------------------------------


def test_sign_in_with_another_branchs_token_is_refused(users, sessions, member_person, client):
    client.force_login(users.member)
    token = sessions["XX-B"].sign_token
    with time_machine.travel(ON_THE_DAY):
        page = client.post(f"/study/sign/{token}/").content.decode()
    assert "不能在此签到" in page
    assert _attendees("XX-B") == ["P-B1"]
    assert not SignIn.objects.exists()


def test_sign_in_on_another_day_over_http_is_refused(users, sessions, member_person, client):
    client.force_login(users.member)
    token = sessions["XX-A"].sign_token
    with time_machine.travel(dt.datetime(2023, 10, 15, 23, 59, tzinfo=SHANGHAI)):
        client.post(f"/study/sign/{token}/")
    with time_machine.travel(dt.datetime(2023, 10, 17, 0, 1, tzinfo=SHANGHAI)):
        client.post(f"/study/sign/{token}/")
    assert _attendees("XX-A") == []


def test_sign_in_to_an_archived_session_is_refused(users, sessions, member_person, client):
    from taizhang.core.ledger_write import ledger_archive

    session = sessions["XX-A"]
    ledger_archive(ledger=registry["study_sessions"], actor=users.office, obj=session)
    client.force_login(users.member)
    with time_machine.travel(ON_THE_DAY):
        page = client.get(f"/study/sign/{session.sign_token}/").content.decode()
        client.post(f"/study/sign/{session.sign_token}/")
    assert "湖坊学习" not in page
    assert not StudySession.objects.get(code="XX-A").attendees.exists()


def test_sign_in_needs_a_login(sessions, client):
    response = client.post(f"/study/sign/{sessions['XX-A'].sign_token}/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert _attendees("XX-A") == []


def test_sign_in_with_a_made_up_token(users, sessions, member_person, client):
    client.force_login(users.member)
    with time_machine.travel(ON_THE_DAY):
        for token in ("0" * 32, "x", "%00", "'; --"):
            assert client.post(f"/study/sign/{token}/").status_code in (200, 400, 404)
    assert _attendees("XX-A") == []


def test_an_office_account_with_a_person_signs_in_only_at_its_branch(users, sessions, client):
    """Signing in is about the person, not the account's grants: an office user (grant
    over the whole district) whose person is 李四 cannot sign in at 湖坊村."""
    User.objects.filter(pk=users.office.pk).update(person=Person.objects.get(code="P-B1"))
    client.force_login(User.objects.get(pk=users.office.pk))
    with time_machine.travel(ON_THE_DAY):
        client.post(f"/study/sign/{sessions['XX-A'].sign_token}/")
    assert _attendees("XX-A") == []


def test_sign_in_twice_concurrently_counts_once(users, sessions, member_person, monkeypatch):
    """Two taps on 签到 a moment apart: the second request passes the checks while the
    first commits. Simulated deterministically: the first request runs to its end between
    the second's checks and its insert."""
    token = sessions["XX-A"].sign_token
    real_own_person = services.own_person
    raced, started = [], []

    def own_person_then_the_other_request(user):
        person = real_own_person(user)
        if not started:
            started.append(True)
            raced.append(services.session_sign_in(user=user, token=token)[1])
        return person

    monkeypatch.setattr(services, "own_person", own_person_then_the_other_request)
    with time_machine.travel(ON_THE_DAY):
        _, second = services.session_sign_in(user=users.member, token=token)
    assert raced == [True] and second is False
    assert _attendees("XX-A") == ["P-A1"]
    assert SignIn.objects.count() == 1


def test_sign_in_twice_over_http_counts_once(users, sessions, member_person, client):
    client.force_login(users.member)
    token = sessions["XX-A"].sign_token
    with time_machine.travel(ON_THE_DAY):
        for _ in range(3):
            assert client.post(f"/study/sign/{token}/").status_code == 302
    assert _attendees("XX-A") == ["P-A1"] and SignIn.objects.count() == 1


# -- the JSON API ------------------------------------------------------------------------


def _json(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def test_api_sessions_of_another_branch(users, sessions, client_for):
    client = client_for(users.allowed)
    assert client.get("/api/v1/study_sessions/XX-B").status_code == 404
    codes = [i["code"] for i in client.get("/api/v1/study_sessions/").json()["items"]]
    assert codes == ["XX-A"]
    assert (
        _json(client, "patch", "/api/v1/study_sessions/XX-B", {"attendees": []}).status_code == 404
    )
    assert client.delete("/api/v1/study_sessions/XX-B").status_code == 404
    created = _json(
        client,
        "post",
        "/api/v1/study_sessions/",
        {"code": "XX-C", "org": "QSH-B-1", "held_on": "2023-10-16", "form": "其他"},
    )
    assert created.status_code == 400
    assert _attendees("XX-B") == ["P-B1"]
    assert not StudySession.objects.filter(code="XX-C").exists()


def test_api_attendees_of_another_branch(users, sessions, client_for):
    client = client_for(users.allowed)
    patched = _json(client, "patch", "/api/v1/study_sessions/XX-A", {"attendees": ["P-A1", "P-B1"]})
    assert patched.status_code == 400
    assert patched.json()["errors"][0]["message"] == "“P-B1”不存在"
    created = _json(
        client,
        "post",
        "/api/v1/study_sessions/",
        {
            "code": "XX-C",
            "org": "QSH-A-1",
            "held_on": "2023-10-16",
            "form": "其他",
            "attendees": "P-B1",
        },
    )
    assert created.status_code == 400
    assert _attendees("XX-A") == []


def test_api_an_inspector_grant_does_not_write_the_other_branch(two_grants, sessions, client_for):
    _, wr = two_grants
    client = client_for(wr)
    assert client.get("/api/v1/study_sessions/XX-B").status_code == 200
    assert (
        _json(client, "patch", "/api/v1/study_sessions/XX-B", {"attendees": []}).status_code == 403
    )
    assert client.delete("/api/v1/study_sessions/XX-B").status_code == 403
    assert _attendees("XX-B") == ["P-B1"]


def test_api_member_grant_reads_nothing(two_grants, sessions, articles, client_for):
    wm, _ = two_grants
    client = client_for(wm)
    assert client.get("/api/v1/study_sessions/XX-B").status_code == 404
    assert client.get("/api/v1/study_articles/WZ-B").status_code == 404
    codes = [i["code"] for i in client.get("/api/v1/study_articles/").json()["items"]]
    assert "WZ-B" not in codes and "WZ-L" not in codes


def test_api_study_form_outside_the_list(users, district, client_for):
    response = _json(
        client_for(users.allowed),
        "post",
        "/api/v1/study_sessions/",
        {"code": "XX-9", "org": "QSH-A-1", "held_on": "2023-10-16", "form": "自学"},
    )
    assert response.status_code == 400
    assert not StudySession.objects.exists()


def test_api_articles_of_another_branch(users, articles, client_for):
    client = client_for(users.allowed)
    assert client.get("/api/v1/study_articles/WZ-B").status_code == 404
    codes = {i["code"] for i in client.get("/api/v1/study_articles/").json()["items"]}
    assert codes == {"WZ-A"}
    assert _json(client, "patch", "/api/v1/study_articles/WZ-B", {"title": "x"}).status_code == 404
    created = _json(client, "post", "/api/v1/study_articles/", _article("WZ-X", "正文。", "P-B1"))
    assert created.status_code == 400
    assert not StudyArticle.objects.filter(code="WZ-X").exists()


# -- leaders and others' articles ----------------------------------------------------------


def test_a_leader_cannot_take_over_anothers_article_by_naming_themselves(
    leader, articles, client_for
):
    client = client_for(leader)
    response = _json(
        client,
        "patch",
        "/api/v1/study_articles/WZ-A",
        {"author": "L-1", "title": "领导的体会", "body": "改写了别人的文章。"},
    )
    assert response.status_code in (400, 403)
    article = StudyArticle.objects.get(code="WZ-A")
    assert article.author.code == "P-A1" and article.title == "湖坊机密体会"


def test_a_leader_cannot_edit_anothers_article(leader, articles, client_for):
    response = _json(client_for(leader), "patch", "/api/v1/study_articles/WZ-A", {"title": "x"})
    assert response.status_code in (400, 403)
    assert StudyArticle.objects.get(code="WZ-A").title == "湖坊机密体会"


def test_a_leader_cannot_archive_anothers_article(leader, articles, client_for):
    client = client_for(leader)
    client.delete("/api/v1/study_articles/WZ-A")
    client.post("/ledgers/study_articles/WZ-B/archive/")
    assert StudyArticle.objects.filter(code__in=["WZ-A", "WZ-B"], archived_at=None).count() == 2


def test_a_leader_with_an_org_admin_grant_cannot_pull_another_branchs_article(
    leader, articles, district, client_for
):
    """leader@QSH + org_admin@QSH-A: 李四's article (京东村) re-authored to 张三 lands in
    their own subtree, where the own-article rule no longer asks."""
    grant_add(actor=None, user=leader, role="org_admin", org=district.orgs["QSH-A"])
    leader = User.objects.get(pk=leader.pk)
    response = _json(client_for(leader), "patch", "/api/v1/study_articles/WZ-B", {"author": "P-A1"})
    assert response.status_code in (400, 403)
    assert StudyArticle.objects.get(code="WZ-B").author.code == "P-B1"


def test_a_leader_archives_their_own_article(leader, articles, client_for):
    assert client_for(leader).delete("/api/v1/study_articles/WZ-L").status_code == 200


def test_a_leader_cannot_create_an_article_for_someone_else(leader, articles, client_for):
    response = _json(
        client_for(leader), "post", "/api/v1/study_articles/", _article("WZ-X", "代写。", "P-A1")
    )
    assert response.status_code == 400
    assert not StudyArticle.objects.filter(code="WZ-X").exists()


# -- articles out of scope: pair page, on-save warning, nearest column ---------------------


def test_pair_page_with_an_article_out_of_scope(users, articles, client_for):
    write("study_articles", [_article("WZ-B2", articles["copy"], "P-B1")])
    client = client_for(users.allowed)
    for url in (
        "/study/similar/WZ-A/WZ-B2/",
        "/study/similar/WZ-B2/WZ-A/",
        "/study/similar/WZ-B/WZ-B2/",
        "/study/similar/WZ-A/NOPE/",
    ):
        assert client.get(url).status_code == 404, url
    assert "WZ-B2" not in client.get("/study/similar/").content.decode()


def test_save_warning_names_no_article_out_of_scope(users, articles):
    """The sibling saves a copy of 湖坊村's article: the nearest-article warning must not
    reveal the title, author or number of an article they may not read."""
    outcome = ledger_write(
        ledger=registry["study_articles"],
        actor=users.sibling,
        rows=[(None, _article("WZ-S", articles["copy"], "P-B1"))],
        confirmed=False,
    )
    text = " ".join(w.message for w in outcome.warnings)
    assert "湖坊机密体会" not in text and "张三" not in text and "WZ-A" not in text


def test_api_save_warning_names_no_article_out_of_scope(users, articles, client_for):
    response = _json(
        client_for(users.sibling),
        "post",
        "/api/v1/study_articles/",
        _article("WZ-S", articles["copy"], "P-B1"),
    )
    body = response.content.decode()
    assert "湖坊机密体会" not in body and "张三" not in body and "WZ-A" not in body


def test_nearest_article_column_names_no_article_out_of_scope(users, articles, client_for):
    write("study_articles", [_article("WZ-S", articles["copy"], "P-B1")])
    assert StudyArticle.objects.get(code="WZ-S").nearest.code == "WZ-A"
    client = client_for(users.sibling)
    listing = client.get("/ledgers/study_articles/").content.decode()
    detail = client.get("/ledgers/study_articles/WZ-S/").content.decode()
    assert "WZ-A" not in listing and "WZ-A" not in detail


def test_similar_pairs_drill_down_lists_only_pairs_within_scope(users, articles, client_for):
    """疑似雷同 says 0 pairs for the sibling; its drill-down must not then list the
    sibling's article as half of a pair (the other half being out of their scope)."""
    write("study_articles", [_article("WZ-S", articles["copy"], "P-B1")])
    client = client_for(users.sibling)
    assert "共 0 对" in client.get("/study/similar/").content.decode()
    listing = client.get("/ledgers/study_articles/?figure=study.similar_pairs").content.decode()
    assert "WZ-S" not in listing


# -- hostile inputs ----------------------------------------------------------------------


def _attach(content: bytes, name="体会.docx", actor=None) -> str:
    ledger = registry["study_articles"]
    return attachment_store(
        ledger=ledger, column=ledger.column("document"), actor=actor, name=name, content=content
    ).key


def _write_article(row, actor=None):
    return ledger_write(ledger=registry["study_articles"], actor=actor, rows=[(None, row)])


def test_a_zip_bomb_docx_is_refused_quickly(district):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    key = _attach(buffer.getvalue())
    started = time.monotonic()
    outcome = _write_article({**_article("WZ-Z", "", "P-A1"), "document": key})
    assert time.monotonic() - started < 5
    assert not outcome.ok and "过大" in outcome.problems[0].message


def test_a_zip_bomb_lying_about_its_sizes_is_refused(district):
    """The central directory claims 1 KB; the member inflates to 200 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" * (200 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    real = (200 * 1024 * 1024).to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, fake))
    key = _attach(bytes(data))
    started = time.monotonic()
    outcome = _write_article({**_article("WZ-Z", "", "P-A1"), "document": key})
    assert time.monotonic() - started < 5
    assert not outcome.ok and outcome.problems[0].header == "文章附件"


def test_a_file_that_only_starts_like_a_zip_is_refused(district):
    key = _attach(b"PK\x03\x04" + b"\xff" * 5000)
    outcome = _write_article({**_article("WZ-Z", "", "P-A1"), "document": key})
    assert not outcome.ok and outcome.problems[0].header == "文章附件"


def test_a_docx_with_entity_expansion_is_harmless(district):
    import docx

    document = docx.Document()
    document.add_paragraph("PLACEHOLDER")
    plain = io.BytesIO()
    document.save(plain)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
            for n in range(1, 10)
        )
        + "]>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = content.decode()
                text = re.sub(r"^<\?xml[^>]*\?>", laughs, text)
                text = text.replace("PLACEHOLDER", "&lol9;")
                content = text.encode()
            target.writestr(item, content)
    key = _attach(out.getvalue())
    started = time.monotonic()
    outcome = _write_article({**_article("WZ-Z", "", "P-A1"), "document": key})
    assert time.monotonic() - started < 5
    if outcome.ok:
        assert len(StudyArticle.objects.get(code="WZ-Z").text) < 10_000


def test_a_huge_article_pair_page_answers_in_time(users, district, client_for):
    """Two 1,000,000-character copies (an org admin may write them): opening their pair
    page must not keep a server worker busy for many seconds."""
    rng = random.Random(3)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    huge = "".join(rng.choice(chars) for _ in range(1_000_000))
    outcome = ledger_write(
        ledger=registry["study_articles"],
        actor=users.allowed,
        rows=[(None, _article("WZ-H1", huge, "P-A1")), (None, _article("WZ-H2", huge, "P-A2"))],
    )
    if not outcome.ok:
        return  # refused as too long: fine
    client = client_for(users.allowed)
    started = time.monotonic()
    response = client.get("/study/similar/WZ-H1/WZ-H2/")
    assert response.status_code == 200
    assert time.monotonic() - started < 5


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_export_writes_no_formula(users, more_people, client_for):
    write("people", [{"code": "P-A4", "name": "=1+1"}])
    write("orgs", [{"code": "QSH-A", "name": '=HYPERLINK("http://evil.example","点此")'}])
    response = client_for(users.allowed).get("/study/reach.xlsx?org=QSH-A")
    assert response.status_code == 200
    xml = _sheet_xml(b"".join(response.streaming_content))
    assert "<f>" not in xml


def test_dates_out_of_range_do_not_crash(users, sessions, client_for):
    client = client_for(users.allowed)
    client.raise_request_exception = False
    failed = []
    for url in (
        "/study/?from=0001-01-01&to=9999-12-31",
        "/study/?from=9999-12-31&to=0001-01-01",
        "/study/?from=2023-02-30",
        "/study/categories/?on=0001-01-01",
        "/study/categories/?on=0001-01-10&from=0001-01-01",
        "/study/categories/?on=9999-12-31",
        "/study/similar/?from=0001-01-01&to=9999-12-31",
        "/study/reach.xlsx?org=QSH-A&from=0001-01-01&to=9999-12-31",
    ):
        if client.get(url).status_code != 200:
            failed.append(url)
    assert failed == []


def test_one_click_plans_refuse_absurd_dates(users, sessions, client_for):
    """A 送学上门 / 返乡培训 planned from the 不掉队 list in year 1 or 9999 is a typo the
    one-click form writes without asking (the ledger's own form would hold it for
    confirmation: 不在主题教育期间)."""
    client = client_for(users.allowed)
    for on in ("0001-01-01", "9999-12-31", "2023-02-30", "明天"):
        response = client.post("/study/home-delivery/", {"person": "P-A4", "on": on})
        assert response.status_code == 302, on
        response = client.post(
            "/study/return-training/", {"org": "QSH-A-1", "people": ["P-A3"], "on": on}
        )
        assert response.status_code == 302, on
    planned = StudySession.objects.filter(form__in=[StudyForm.AT_HOME, StudyForm.MOBILE])
    assert sorted(str(s.held_on) for s in planned) == []


def test_xss_in_topics_titles_and_names_is_escaped(users, sessions, member_person, client_for):
    write("study_sessions", [{"code": "XX-A", "topic": XSS, "place": XSS}])
    write("people", [{"code": "P-A4", "name": XSS, "kinds": "年老体弱"}])
    write("orgs", [{"code": "QSH-A-1", "name": XSS}])
    write(
        "study_articles",
        [
            _article("WZ-1", _texts()["original"] + "\n" + XSS, "P-A1", title=XSS),
            _article("WZ-2", _texts()["copy"] + "\n" + XSS, "P-A2", title=XSS),
        ],
    )
    admin = client_for(users.allowed)
    pages = [
        admin.get(url).content.decode()
        for url in (
            "/study/?org=QSH-A",
            "/study/categories/?org=QSH-A",
            "/study/similar/",
            "/study/similar/WZ-1/WZ-2/",
            "/study/sessions/XX-A/attendance/",
            "/study/sessions/XX-A/code/",
            "/",
        )
    ]
    member = client_for(users.member)
    with time_machine.travel(ON_THE_DAY):
        member.post(f"/study/sign/{sessions['XX-A'].sign_token}/")
        pages.append(member.get(f"/study/sign/{sessions['XX-A'].sign_token}/").content.decode())
        pages.append(member.get("/me/").content.decode())
    for page in pages:
        assert XSS not in page
    assert any("&lt;script&gt;" in page for page in pages)


@pytest.mark.parametrize("threshold", ["0", "-1", "1.5", "nan", "inf", "-inf", "abc", ""])
def test_bad_threshold_is_refused(district, threshold):
    with pytest.raises((SystemExit, Exception)) as refused:
        call_command("study", "similar", "--threshold", threshold)
    if isinstance(refused.value, SystemExit):
        assert refused.value.code not in (0, None)
    else:
        from django.core.management import CommandError

        assert isinstance(refused.value, CommandError)


def test_tiny_threshold_still_answers(articles, capsys):
    call_command("study", "similar", "--json", "--threshold", "1e-300")
    found = json.loads(capsys.readouterr().out)
    assert isinstance(found, list)


# -- masking of mobiles ------------------------------------------------------------------


def test_inspector_reach_page_masks_mobiles(users, more_people, client_for):
    page = client_for(users.inspector).get("/study/?org=QSH-A").content.decode()
    assert "张三" in page and "13800138000" not in page and "138****8000" in page


def test_leader_reach_page_and_export_mask_mobiles(leader, more_people, client_for):
    from python_calamine import CalamineWorkbook

    client = client_for(leader)
    page = client.get("/study/?org=QSH-A").content.decode()
    assert "13800138000" not in page
    content = b"".join(client.get("/study/reach.xlsx?org=QSH-A").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert not any("13800138000" in str(cell) for row in rows for cell in row)
    write(
        "people",
        [
            {
                "code": "P-A9",
                "name": "周书记",
                "org": "QSH-A-2",
                "title": "支部书记",
                "mobile": "13700001111",
            }
        ],
    )
    categories = client.get("/study/categories/").content.decode()
    assert "周书记" in categories and "13700001111" not in categories


def test_org_admin_plus_inspector_sees_other_branch_masked_everywhere(
    two_grants, more_people, client_for
):
    from python_calamine import CalamineWorkbook

    write(
        "people",
        [
            {"code": "P-B1", "mobile": "13612345678"},
            {
                "code": "P-B9",
                "name": "京书记",
                "org": "QSH-B-1",
                "title": "支部书记",
                "mobile": "13655556666",
            },
        ],
    )
    _, wr = two_grants
    client = client_for(wr)
    content = b"".join(client.get("/study/reach.xlsx?org=QSH").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert "13612345678" not in flat and "136****5678" in flat
    assert "13800138000" in flat  # own branch in clear
    categories = client.get("/study/categories/?org=QSH").content.decode()
    assert "13655556666" not in categories and "136****6666" in categories
