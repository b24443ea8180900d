"""Study and publicity: plans, sessions with attendance (and members' own sign-ins),
leaders' study articles (with their nearest earlier article, for copy-paste detection),
publicity articles by media level."""

from django.conf import settings
from django.db import models

from taizhang.core.models import LedgerModel


class StudyForm(models.TextChoices):
    FIRST_TOPIC = "第一议题"
    CENTRAL_GROUP = "中心组专题学习"
    READING_CLASS = "读书班集中学习"
    ON_SITE = "现场教学"
    BRANCH = "支部集中学习"
    AT_HOME = "送学上门"
    MOBILE = "流动党员返乡培训"
    YOUTH = "青年理论学习小组"
    OTHER = "其他"


# 领导带头学: the four forms in which the leading bodies study first.
LEADER_FORMS = (
    StudyForm.FIRST_TOPIC,
    StudyForm.CENTRAL_GROUP,
    StudyForm.READING_CLASS,
    StudyForm.ON_SITE,
)


class StudyPlan(LedgerModel):
    code = models.CharField("计划编号", max_length=64, unique=True)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("计划名称", max_length=200)
    submitted_on = models.DateField("提交日期", db_index=True)
    document = models.CharField("计划文件", max_length=32, blank=True)  # an Attachment key
    summary = models.TextField("学习安排", blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "学习计划"
        ordering = ["-submitted_on", "code"]

    def __str__(self):
        return self.name


class StudySession(LedgerModel):
    code = models.CharField("活动编号", max_length=64, unique=True)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("学习日期", db_index=True)
    form = models.CharField("学习形式", max_length=16, choices=StudyForm.choices)
    topic = models.CharField("学习主题", max_length=200, blank=True)
    attendees = models.ManyToManyField(
        "orgs.Person", blank=True, related_name="study_sessions", verbose_name="参加人员"
    )
    place = models.CharField("学习地点", max_length=200, blank=True)
    # The secret of the session's sign-in code (QR): set when the row is created.
    sign_token = models.CharField(max_length=32, unique=True, null=True, blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "学习活动"
        ordering = ["-held_on", "code"]

    def __str__(self):
        return self.topic or self.code


class SignIn(models.Model):
    """A member's own sign-in to a session with its code: who, when, from which account.
    The attendance itself is the session's 参加人员; this says how it got there."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="sign_ins")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField("签到时间")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="study_sign_in_once")
        ]


class StudyArticle(LedgerModel):
    code = models.CharField("文章编号", max_length=64, unique=True)
    author = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("文章标题", max_length=200)
    finished_on = models.DateField("完成日期", db_index=True)
    body = models.TextField("正文", blank=True)
    document = models.CharField("文章附件", max_length=32, blank=True)  # an Attachment key
    # The text compared: 正文, or the attached Word file's text when there is no 正文.
    text = models.TextField(blank=True, default="")
    # The most similar other article when this one was saved, and how similar (exact
    # Jaccard of content shingles, study/similarity.py).
    nearest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similarity = models.FloatField(null=True, blank=True)
    signature = models.BinaryField(default=b"")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "学习体会文章"
        ordering = ["-finished_on", "code"]

    def __str__(self):
        return self.title


class ArticleBand(models.Model):
    """One LSH band key of an article's MinHash signature: the candidates of a new
    article are the articles sharing a band key (one indexed lookup, not a scan)."""

    article = models.ForeignKey(StudyArticle, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "band"], name="study_band_key")]


class SimilarPair(models.Model):
    """Two live articles at least as similar as the default threshold, kept current on
    every save (and rebuilt by `taizhang study similar --store`): the 疑似雷同 list and
    figure read it. `first` has the smaller 文章编号."""

    first = models.ForeignKey(StudyArticle, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(StudyArticle, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()

    class Meta:
        ordering = ["-similarity"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="study_similar_pair_once")
        ]


class MediaLevel(models.TextChoices):
    CENTRAL = "中央"
    PROVINCE = "省"
    CITY = "市"
    DISTRICT = "区"


ABOVE_DISTRICT = (MediaLevel.CENTRAL, MediaLevel.PROVINCE, MediaLevel.CITY)


class Publicity(LedgerModel):
    code = models.CharField("稿件编号", max_length=64, unique=True)
    title = models.CharField("稿件标题", max_length=200)
    media = models.CharField("刊发媒体", max_length=100)
    level = models.CharField("媒体层级", max_length=2, choices=MediaLevel.choices)
    published_on = models.DateField("刊发日期", db_index=True)
    link = models.CharField("链接", max_length=500, blank=True)
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "宣传稿件"
        ordering = ["-published_on", "code"]

    def __str__(self):
        return self.title
