"""Research (调查研究): the twelve categories of topics, the topics the leaders chose, the
trips registered in advance (调研活动清单报备), and the reports; a leader's calendar feed."""

from django.db import models

from taizhang.core.models import LedgerModel


class ResearchCategory(LedgerModel):
    code = models.CharField("类型编码", max_length=64, unique=True)
    name = models.CharField("类型名称", max_length=100)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "调研选题类型"
        ordering = ["code"]

    def __str__(self):
        return self.name


class ResearchTopic(LedgerModel):
    code = models.CharField("选题编号", max_length=64, unique=True)
    name = models.CharField("选题名称", max_length=200)
    category = models.ForeignKey(ResearchCategory, on_delete=models.PROTECT, related_name="topics")
    lead = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "调研选题"
        ordering = ["code"]

    def __str__(self):
        return self.name


class TripStatus(models.TextChoices):
    PLANNED = "计划"
    DONE = "已完成"
    CANCELLED = "已取消"


class ResearchTrip(LedgerModel):
    code = models.CharField("调研编号", max_length=64, unique=True)
    topic = models.ForeignKey(ResearchTopic, on_delete=models.PROTECT, related_name="trips")
    leader = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间")
    # An organization's code or an enterprise's credit code (the engine's anyref).
    target = models.CharField("调研对象编码", max_length=64)
    place = models.CharField("调研地点", max_length=200, blank=True)
    participants = models.ManyToManyField("orgs.Person", blank=True, related_name="+")
    status = models.CharField(
        "调研状态", max_length=4, choices=TripStatus.choices, default=TripStatus.PLANNED
    )
    findings = models.TextField("发现问题", blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "调研活动"
        ordering = ["-starts_at", "code"]
        indexes = [
            *LedgerModel.Meta.indexes,
            models.Index(fields=["target", "starts_at"], name="research_trip_target_time"),
        ]

    def __str__(self):
        return self.code


class ResearchReport(LedgerModel):
    code = models.CharField("报告编号", max_length=64, unique=True)
    topic = models.ForeignKey(ResearchTopic, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField("报告标题", max_length=200)
    finished_on = models.DateField("完成日期", db_index=True)
    body = models.TextField("报告正文", blank=True)
    document = models.CharField("报告附件", max_length=32, blank=True)  # an Attachment key

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "调研报告"
        ordering = ["-finished_on", "code"]

    def __str__(self):
        return self.title


class LeaderFeed(models.Model):
    """A leader's research calendar as an .ics feed: only the token's digest is kept;
    issuing a new one replaces it."""

    person = models.OneToOneField("orgs.Person", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
