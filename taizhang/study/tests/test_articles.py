"""Study articles: 正文 or a Word file, a leader's own, and the nearest article on save."""

import io
import json
import random
import zipfile

import docx
import pytest
from django.core.management import call_command

from conftest import write
from taizhang.accounts.models import User
from taizhang.core.attachments import attachment_store
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_write
from taizhang.orgs.models import Person
from taizhang.study import corpus
from taizhang.study.models import ArticleBand, SimilarPair, StudyArticle

pytestmark = pytest.mark.django_db
LEDGER = "study_articles"


def _texts():
    rng = random.Random(7)
    original = corpus.article(rng, "乡村振兴")
    return {
        "original": original,
        "copy": corpus.light_copy(rng, original),
        "second": corpus.second_article(rng, original, "乡村振兴"),
        "other": corpus.article(rng, "营商环境"),
    }


def _row(code, body, author="L-1", **extra):
    return {
        "code": code,
        "author": author,
        "title": f"体会{code}",
        "finished_on": "2023-10-20",
        "body": body,
        **extra,
    }


def _write(rows, actor=None, **kwargs):
    return ledger_write(
        ledger=registry[LEDGER], actor=actor, rows=[(None, r) for r in rows], **kwargs
    )


def _docx(text: str) -> bytes:
    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _attach(content: bytes, name="体会.docx", actor=None) -> str:
    ledger = registry[LEDGER]
    return attachment_store(
        ledger=ledger, column=ledger.column("document"), actor=actor, name=name, content=content
    ).key


def test_neither_text_nor_file_is_refused(district):
    outcome = _write([_row("WZ-1", "")])
    assert not outcome.ok and outcome.problems[0].message == "正文与文章附件至少填写一项"
    assert not StudyArticle.objects.exists()


def test_word_file_text_is_taken(district):
    texts = _texts()
    key = _attach(_docx(texts["original"]))
    assert _write([_row("WZ-1", "", document=key)]).written
    article = StudyArticle.objects.get()
    assert article.body == "" and article.text.split("\n")[0] == texts["original"].split("\n")[0]
    assert ArticleBand.objects.filter(article=article).exists()


def test_a_zip_that_is_not_a_word_file_is_refused(district):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文档")
    key = _attach(buffer.getvalue())
    outcome = _write([_row("WZ-1", "", document=key)])
    assert not outcome.ok
    assert outcome.problems[0].header == "文章附件"
    assert "不是 Word 文档" in outcome.problems[0].message


def test_a_renamed_file_is_refused_at_upload(district):
    from taizhang.core.attachments import AttachmentRefused

    with pytest.raises(AttachmentRefused, match="文件内容与扩展名"):
        _attach(b"%PDF-1.4 not a word file")


def test_a_copy_is_warned_on_save_and_listed(users):
    texts = _texts()
    write(LEDGER, [_row("WZ-1", texts["original"]), _row("WZ-2", texts["other"])])
    held = _write([_row("WZ-3", texts["copy"], author="P-A1")], actor=users.office, confirmed=False)
    assert held.held and "与《体会WZ-1》" in held.warnings[0].message
    assert "疑似雷同" in held.warnings[0].message
    _write([_row("WZ-3", texts["copy"], author="P-A1")], actor=users.office)
    copy = StudyArticle.objects.get(code="WZ-3")
    assert copy.nearest.code == "WZ-1" and copy.similarity >= 0.7
    pair = SimilarPair.objects.get()
    assert (pair.first.code, pair.second.code) == ("WZ-1", "WZ-3")
    assert StudyArticle.objects.get(code="WZ-1").nearest.code == "WZ-3"


def test_an_honest_second_article_is_not_flagged(district):
    texts = _texts()
    write(LEDGER, [_row("WZ-1", texts["original"])])
    outcome = _write([_row("WZ-2", texts["second"])], confirmed=False)
    assert outcome.written and not outcome.warnings
    assert not SimilarPair.objects.exists()


def test_editing_the_copy_away_removes_the_pair(district):
    texts = _texts()
    write(LEDGER, [_row("WZ-1", texts["original"]), _row("WZ-2", texts["copy"])])
    assert SimilarPair.objects.count() == 1
    write(LEDGER, [_row("WZ-2", texts["other"])])
    assert not SimilarPair.objects.exists()


def test_archiving_removes_the_pair(users, client_for):
    from taizhang.core.ledger_write import ledger_archive

    texts = _texts()
    write(LEDGER, [_row("WZ-1", texts["original"]), _row("WZ-2", texts["copy"])])
    obj = StudyArticle.objects.get(code="WZ-2")
    ledger_archive(ledger=registry[LEDGER], actor=users.office, obj=obj)
    assert not SimilarPair.objects.exists()
    assert StudyArticle.objects.get(code="WZ-1").nearest is None


def test_cli_prints_pairs_as_json(district, capsys):
    texts = _texts()
    write(
        LEDGER,
        [
            _row("WZ-1", texts["original"]),
            _row("WZ-2", texts["copy"]),
            _row("WZ-3", texts["second"]),
            _row("WZ-4", texts["other"]),
        ],
    )
    call_command("study", "similar", "--json")
    found = json.loads(capsys.readouterr().out)
    assert [p["articles"] for p in found] == [["WZ-1", "WZ-2"]]
    assert 0.7 <= found[0]["similarity"] <= 1
    call_command("study", "similar", "--json", "--threshold", "0.15")
    loose = json.loads(capsys.readouterr().out)
    assert ["WZ-1", "WZ-3"] in [p["articles"] for p in loose]
    sims = [p["similarity"] for p in loose]
    assert sims == sorted(sims, reverse=True)


def test_a_leader_writes_only_their_own_articles(users, district):
    from taizhang.accounts.services import user_create

    leader = user_create(
        actor=None, username="ld", password="Ld-2023-pass!", role="leader", org=district.orgs["QSH"]
    )
    User.objects.filter(pk=leader.pk).update(person=Person.objects.get(code="L-1"))
    leader.refresh_from_db()
    own = _write([_row("WZ-1", "本人的学习体会。")], actor=leader)
    assert own.written
    other = _write([_row("WZ-2", "替别人写的。", author="P-A1")], actor=leader)
    assert not other.ok and other.problems[0].message == "领导干部只能填写本人的学习体会文章"


def test_similar_pages_read_through_the_door(users, client_for):
    texts = _texts()
    write(
        LEDGER,
        [
            _row("WZ-1", texts["original"], author="P-A1"),
            _row("WZ-2", texts["copy"], author="P-B1"),
        ],
    )
    office = client_for(users.office)
    listing = office.get("/study/similar/").content.decode()
    assert "WZ-1" in listing and "WZ-2" in listing
    pair = office.get("/study/similar/WZ-1/WZ-2/").content.decode()
    assert pair.count("<mark>") > 3
    client = client_for(users.allowed)
    assert "WZ-2" not in client.get("/study/similar/").content.decode()
    assert client.get("/study/similar/WZ-1/WZ-2/").status_code == 404


def test_publicity_link_must_be_a_web_address(district):
    outcome = ledger_write(
        ledger=registry["publicity"],
        actor=None,
        rows=[
            (
                4,
                {
                    "code": "GJ-1",
                    "title": "稿件",
                    "media": "江西日报",
                    "level": "省",
                    "published_on": "2023-10-01",
                    "link": "javascript:alert(1)",
                },
            )
        ],
    )
    assert (
        not outcome.ok
        and outcome.problems[0].line() == "第4行 链接: 链接应以 http:// 或 https:// 开头"
    )
