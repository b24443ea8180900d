"""Visits (四下基层、三访三促) and the appeals they collect, handled in a closed loop:
已受理 → 办理中 → 已办结 → 已反馈 (with 满意度); 不满意 reopens it."""

from django.db import models

from taizhang.core.models import LedgerModel


class TargetKind(models.TextChoices):
    PUBLIC = "城乡群众"
    ENTERPRISE = "市场主体"
    CADRE = "一线干部"


class VisitForm(models.TextChoices):
    HOME = "入户走访"
    FORUM = "座谈会"
    TEA = "茶话会"
    OTHER = "其他"


class Visit(LedgerModel):
    code = models.CharField("走访编号", max_length=64, unique=True)
    visitors = models.ManyToManyField("orgs.Person", related_name="visits", verbose_name="走访人员")
    visited_on = models.DateField("走访日期", db_index=True)
    target_kind = models.CharField("对象类型", max_length=4, choices=TargetKind.choices)
    # A credit code for 市场主体; else an organization's code or a person's.
    target = models.CharField("对象编码", max_length=64, blank=True, db_index=True)
    target_name = models.CharField("对象名称", max_length=200, blank=True)
    form = models.CharField("走访形式", max_length=4, choices=VisitForm.choices, blank=True)
    notes = models.TextField("情况记录", blank=True)
    photo = models.CharField("现场照片", max_length=32, blank=True)  # an Attachment key

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "走访"
        ordering = ["-visited_on", "code"]

    def __str__(self):
        return self.code


class AppealStatus(models.TextChoices):
    ACCEPTED = "已受理"
    HANDLING = "办理中"
    DONE = "已办结"
    FED_BACK = "已反馈"


CLOSED = (AppealStatus.DONE, AppealStatus.FED_BACK)


class Satisfaction(models.TextChoices):
    SATISFIED = "满意"
    FAIR = "基本满意"
    UNSATISFIED = "不满意"


class Appeal(LedgerModel):
    code = models.CharField("诉求编号", max_length=64, unique=True)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    collected_on = models.DateField("收集日期", db_index=True)
    appellant = models.CharField("诉求人", max_length=100, blank=True)
    category = models.CharField("诉求类别", max_length=50, blank=True)
    content = models.TextField("诉求内容")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("办理时限", null=True, blank=True, db_index=True)
    status = models.CharField("办理状态", max_length=4, choices=AppealStatus.choices)
    result = models.TextField("办理结果", blank=True)
    satisfaction = models.CharField(
        "满意度", max_length=4, choices=Satisfaction.choices, blank=True
    )
    # 不满意 sent it back: how many times, and the 办理结果 it was sent back with (closing
    # again needs a new one).
    reopened = models.PositiveSmallIntegerField("重新办理次数", default=0)
    reopened_result = models.TextField(blank=True, default="")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "意见诉求"
        ordering = ["-collected_on", "code"]

    def __str__(self):
        return self.code
