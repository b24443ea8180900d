"""Writes of the study app: attendance (ticked by the secretary, or a member's own
sign-in with the session's code), sessions planned from the 不掉队 list, and the
similarity index of study articles. Ledger rows are written through the engine's one
audited write (core/ledger_write.py); what is not a ledger row is audited here."""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from taizhang.core.audit import audit_record
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import Outcome, ledger_write
from taizhang.core.models import Attachment
from taizhang.orgs.models import PersonKind
from taizhang.orgs.selectors import own_person

from . import similarity
from .models import ArticleBand, SignIn, SimilarPair, StudyArticle, StudyForm, StudySession

DOCX_MAX_UNPACKED = 50 * 1024 * 1024  # a Word file that unpacks larger is refused
DOCX_MAX_CHARS = 50_000  # as 正文 (ledgers.ARTICLE_MAX_CHARS)
CANDIDATES = 20  # articles sharing the most band keys, compared exactly


class SignInRefused(Exception):
    """Why a member may not sign in (in Chinese)."""


# -- attendance -------------------------------------------------------------------------


def session_sign_in(*, user, token: str) -> tuple[StudySession, bool]:
    """A member signs in to a session with its code: recorded once (a second sign-in
    changes nothing); refused outside the session's day or organization."""
    session = (
        StudySession.objects.select_related("org")
        .filter(sign_token=token, archived_at=None)
        .first()
    )
    if session is None or not token:
        raise SignInRefused("签到码无效，或该学习活动已归档")
    person = own_person(user)
    if person is None:
        raise SignInRefused("您的账号没有关联人员信息，无法签到，请联系党组织管理员")
    today = timezone.localdate()
    if session.held_on != today:
        raise SignInRefused(f"只能在学习当天（{session.held_on}）签到，今天是 {today}")
    if not person.org.path.startswith(session.org.path):
        raise SignInRefused(f"您不是“{session.org.name}”的人员，不能在此签到")
    through = StudySession.attendees.through
    try:
        with transaction.atomic():
            SignIn.objects.create(
                session=session, person=person, user=user, signed_at=timezone.now()
            )
            before = through.objects.filter(studysession_id=session.pk).count()
            _, added = through.objects.get_or_create(
                studysession_id=session.pk, person_id=person.pk
            )
            audit_record(
                actor=user,
                action="study.session.signed_in",
                ledger="study_sessions",
                key=session.code,
                before={"参加人数": before},
                after={"参加人数": before + int(added), "签到人员": person.code},
            )
    except IntegrityError:
        return session, False  # signed in already (perhaps a moment ago, twice)
    return session, True


class PlanRefused(Exception):
    """Why a session may not be planned from the 不掉队 list (in Chinese)."""


def attendance_save(*, actor, session: StudySession, codes: list[str], listed: set[str]) -> Outcome:
    """The secretary's checklist: of the people the checklist lists (`listed`), those
    ticked attend. Nobody else can be added here (a visiting member is entered on the
    session's form, with its warning), and a member who signed in with the code stays,
    whatever an older copy of the page says. Audited by the write service as a change of
    参加人员编号."""
    ticked = set(codes)
    unknown = sorted(ticked - listed)
    if unknown:
        key = registry["study_sessions"].column("attendees")
        from taizhang.core.ledger_write import Problem

        return Outcome(
            problems=[
                Problem(None, key.header, key.field, "、".join(unknown), "不在本次活动的出勤名单中")
            ]
        )
    current = set(session.attendees.values_list("code", flat=True))
    signed = set(session.sign_ins.values_list("person__code", flat=True))
    attending = (current - listed) | ticked | signed
    return ledger_write(
        ledger=registry["study_sessions"],
        actor=actor,
        rows=[(None, {"code": session.code, "attendees": sorted(attending)})],
        mode="update",
    )


def plan_day_check(on: dt.date) -> None:
    """A session planned with one click is near: within a year of today."""
    today = timezone.localdate()
    if abs((on - today).days) > 366:
        raise PlanRefused(f"日期 {on} 与今天相隔一年以上，请核对")


def home_delivery_plan(*, actor, person, on: dt.date) -> Outcome:
    """送学上门: a study session of that form at the member's organization, with them."""
    plan_day_check(on)
    code = f"SX-{person.code}-{on:%Y%m%d}"
    if StudySession.objects.filter(code=code).exists():
        raise PlanRefused(f"已为{person.name}安排过 {on} 的送学上门")
    row = {
        "code": code,
        "org": person.org.code,
        "held_on": on,
        "form": StudyForm.AT_HOME,
        "topic": f"送学上门：{person.name}",
        "attendees": [person.code],
    }
    return ledger_write(
        ledger=registry["study_sessions"], actor=actor, rows=[(None, row)], mode="create"
    )


def return_training_plan(*, actor, org, people: list, on: dt.date, holiday: str) -> Outcome:
    """流动党员返乡培训: one session at the organization for its mobile members who are
    home for the holiday (members of the organization, 流动党员, nobody else)."""
    plan_day_check(on)
    strays = [
        p.name
        for p in people
        if p.org_id != org.pk or PersonKind.MOBILE not in p.kinds.split("、") or not p.is_member
    ]
    if strays:
        raise PlanRefused(f"{'、'.join(strays)}不是{org.name}的流动党员")
    code = f"FX-{org.code}-{on:%Y%m%d}"
    if StudySession.objects.filter(code=code).exists():
        raise PlanRefused(f"{org.name}已安排过 {on} 的返乡培训")
    row = {
        "code": code,
        "org": org.code,
        "held_on": on,
        "form": StudyForm.MOBILE,
        "topic": f"{holiday}流动党员返乡培训",
        "attendees": sorted(p.code for p in people),
    }
    return ledger_write(
        ledger=registry["study_sessions"], actor=actor, rows=[(None, row)], mode="create"
    )


# -- articles ---------------------------------------------------------------------------


def document_text(key: str) -> str:
    """The text of an attached Word file; ValueError (Chinese) when it is not one."""
    import docx

    attachment = Attachment.objects.filter(key=key).first()
    if attachment is None:
        raise ValueError(f"附件“{key}”不存在")
    with attachment.file.open("rb") as handle:
        content = handle.read()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > DOCX_MAX_UNPACKED:
                raise ValueError("附件解压后过大，不是正常的 Word 文档")
            if "word/document.xml" not in archive.namelist():
                raise ValueError("附件不是 Word 文档（.docx）")
        document = docx.Document(io.BytesIO(content))
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable file is the user's bad input
        raise ValueError("附件不是有效的 Word 文档（.docx），无法读取正文") from error
    text = "\n".join(p.text for p in document.paragraphs if p.text.strip())
    if len(text) > DOCX_MAX_CHARS:
        raise ValueError(f"附件正文超过 {DOCX_MAX_CHARS} 字，不是一篇学习体会文章")
    return text


@dataclass
class Nearest:
    pk: int
    code: str
    title: str
    author: str
    similarity: float

    @property
    def similar(self) -> bool:
        return self.similarity >= similarity.DEFAULT_THRESHOLD


def _candidates(sketch, exclude_pk=None, among=None) -> list[int]:
    """Live articles sharing the most LSH band keys with a sketch (one indexed query);
    `among`, a queryset of articles, limits them (to what a writer may read)."""
    keys = [key for _, key in sketch.band_keys]
    if not keys:
        return []
    hits = ArticleBand.objects.filter(key__in=keys, article__archived_at=None)
    if among is not None:
        hits = hits.filter(article_id__in=among.values("pk"))
    hits = hits.exclude(article_id=exclude_pk).values_list("article_id", "band", "key")
    wanted = set(sketch.band_keys)
    shared: dict[int, int] = {}
    for article_id, band, key in hits:
        if (band, key) in wanted:
            shared[article_id] = shared.get(article_id, 0) + 1
    return sorted(shared, key=lambda pk: -shared[pk])[:CANDIDATES]


def _compared(text: str, candidates: list[int]) -> list[Nearest]:
    rows = StudyArticle.objects.filter(pk__in=candidates).values_list(
        "pk", "code", "title", "author__name", "text"
    )
    found = [
        Nearest(pk, code, title, author, similarity.similarity(text, other))
        for pk, code, title, author, other in rows
    ]
    return sorted(found, key=lambda n: (-n.similarity, n.code))


def article_nearest(text: str, *, exclude: str | None = None, among=None) -> Nearest | None:
    """The most similar live article to `text` (other than the one keyed `exclude`), among
    the articles of `among` when given (a writer is never told of one they cannot read)."""
    if not text:
        return None
    exclude_pk = (
        StudyArticle.objects.filter(code=exclude).values_list("pk", flat=True).first()
        if exclude
        else None
    )
    found = _compared(text, _candidates(similarity.sketch(text), exclude_pk, among))
    return found[0] if found else None


def articles_index(articles: list[StudyArticle], *, archived: bool = False) -> None:
    """Keep the similarity index of these articles current: their band keys, nearest
    article and the 疑似雷同 pairs they are part of. Inside the write's transaction."""
    if not articles:
        return
    pks = [a.pk for a in articles]
    ArticleBand.objects.filter(article_id__in=pks).delete()
    SimilarPair.objects.filter(Q(first_id__in=pks) | Q(second_id__in=pks)).delete()
    if archived:
        StudyArticle.objects.filter(pk__in=pks).update(nearest=None, similarity=None)
        _renew_nearest_of_partners(pks)
        return
    sketches = {a.pk: similarity.sketch(a.text) for a in articles if a.text}
    ArticleBand.objects.bulk_create(
        [
            ArticleBand(article_id=pk, band=b, key=k)
            for pk, s in sketches.items()
            for b, k in s.band_keys
        ],
        batch_size=2000,
    )
    for article in articles:
        sketch = sketches.get(article.pk)
        found = _compared(article.text, _candidates(sketch, article.pk)) if sketch else []
        best = found[0] if found else None
        StudyArticle.objects.filter(pk=article.pk).update(
            nearest_id=best.pk if best else None,
            similarity=best.similarity if best else None,
            signature=sketch.signature_bytes if sketch else b"",
        )
        for other in found:
            if not other.similar:
                break
            first, second = sorted((article, other), key=lambda a: a.code)
            SimilarPair.objects.update_or_create(
                first_id=first.pk, second_id=second.pk, defaults={"similarity": other.similarity}
            )
            # The earlier article's nearest may now be this one.
            StudyArticle.objects.filter(pk=other.pk).filter(
                Q(similarity__lt=other.similarity) | Q(similarity=None)
            ).update(nearest_id=article.pk, similarity=other.similarity)


def _renew_nearest_of_partners(pks: list[int]) -> None:
    """Articles whose nearest was archived look again."""
    for article in StudyArticle.objects.filter(nearest_id__in=pks, archived_at=None):
        found = _compared(article.text, _candidates(similarity.sketch(article.text), article.pk))
        best = found[0] if found else None
        StudyArticle.objects.filter(pk=article.pk).update(
            nearest_id=best.pk if best else None, similarity=best.similarity if best else None
        )


def nearest_of(codes: list[str], readable) -> dict[str, tuple[str, float | None]]:
    """{文章编号: (nearest article's 编号, similarity)} for a page of articles, naming
    only a nearest article of `readable` (the reader's articles)."""
    rows = StudyArticle.objects.filter(code__in=codes, nearest__in=readable.values("pk"))
    return {
        code: (nearest or "", sim)
        for code, nearest, sim in rows.values_list("code", "nearest__code", "similarity")
    }


def similar_pairs_store(*, actor) -> int:
    """Rebuild every pair and nearest article from the texts (after a large import, or
    when the threshold changed): `taizhang study similar --store`."""
    articles = list(StudyArticle.objects.filter(archived_at=None).values_list("pk", "code", "text"))
    pk_of = {code: pk for pk, code, _ in articles}
    found = similarity.similar_pairs([(code, text) for _, code, text in articles if text])
    with transaction.atomic():
        SimilarPair.objects.all().delete()
        SimilarPair.objects.bulk_create(
            [SimilarPair(first_id=pk_of[a], second_id=pk_of[b], similarity=s) for a, b, s in found],
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="study.article.similar",
            ledger="study_articles",
            key="",
            after={"疑似雷同": len(found)},
        )
    return len(found)


def pairs_count() -> int:
    return SimilarPair.objects.aggregate(n=Count("pk"))["n"]
