"""Cadence and dispatch: meetings (and their series), tasks with progress reports, work
prompts with receipts, rectification notices, the in-app inbox and calendar feeds."""

from django.conf import settings
from django.db import models

from taizhang.core.models import LedgerModel


class MeetingKind(models.TextChoices):
    LEADING_GROUP = "领导小组会议"
    OFFICE = "办公室例会"
    DISPATCH = "调度会"
    OTHER = "其他"


class MeetingSeries(models.Model):
    """A recurring meeting: an RFC 5545 RRULE from a first occurrence. Occurrences become
    meeting rows when held (or ahead of time), keyed by the series and the occurrence's
    original time, so editing the rule never duplicates one."""

    code = models.CharField("系列编号", max_length=64, unique=True)
    title = models.CharField("系列名称", max_length=200)
    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    rrule = models.CharField("重复规则", max_length=500)
    starts_at = models.DateTimeField("首次时间")
    attendees = models.ManyToManyField("orgs.Person", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议系列"
        ordering = ["code"]

    def __str__(self):
        return self.title


class OccurrenceChange(models.Model):
    """A moved or cancelled occurrence of a series: recorded, never forgotten."""

    class Kind(models.TextChoices):
        MOVED = "改期"
        CANCELLED = "取消"

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="changes")
    original_at = models.DateTimeField("原定时间")
    kind = models.CharField("变更", max_length=4, choices=Kind.choices)
    moved_to = models.DateTimeField("改至", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "original_at"], name="occurrence_change_once")
        ]


class Meeting(LedgerModel):
    code = models.CharField("会议编号", max_length=64, unique=True)
    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    held_at = models.DateTimeField("会议时间", db_index=True)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField("会议主题", max_length=200, blank=True)
    attendees = models.ManyToManyField("orgs.Person", blank=True, related_name="meetings")
    minutes = models.TextField("会议纪要", blank=True)
    minutes_file = models.CharField("纪要附件", max_length=32, blank=True)
    # The series occurrence this meeting holds (its original time, even when moved).
    series = models.CharField("会议系列编号", max_length=64, blank=True)
    occurrence = models.DateTimeField("原定时间", null=True, blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "会议"
        ordering = ["-held_at", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence"],
                condition=models.Q(occurrence__isnull=False),
                name="meeting_occurrence_once",
            )
        ]

    def __str__(self):
        return self.topic or self.code


class TaskStatus(models.TextChoices):
    NOT_STARTED = "未开始"
    IN_PROGRESS = "进行中"
    DONE = "已完成"


class Task(LedgerModel):
    code = models.CharField("任务编号", max_length=64, unique=True)
    name = models.CharField("任务名称", max_length=200)
    work_group = models.ForeignKey(
        "orgs.WorkGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    start_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("截止日期", db_index=True)
    status = models.CharField(
        "任务状态", max_length=4, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField("完成进度", default=0)
    source_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    detail = models.TextField("任务要求", blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "任务"
        ordering = ["due_on", "code"]

    def __str__(self):
        return self.name


class TaskReport(models.Model):
    """进展情况: one progress report; the task's status and percent follow the latest."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField("日期")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度")
    evidence = models.CharField("佐证材料", max_length=32, blank=True)  # an Attachment key
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-id"]


class PromptTier(models.TextChoices):
    LEADERS = "县处级领导干部"
    GRASSROOTS = "基层党组织"


class PromptForm(models.TextChoices):
    WRITTEN = "书面"
    SMS = "短信"


class Prompt(LedgerModel):
    code = models.CharField("提示编号", max_length=64, unique=True)
    title = models.CharField("标题", max_length=200)
    tier = models.CharField("提示层面", max_length=8, choices=PromptTier.choices)
    form = models.CharField("提示形式", max_length=4, choices=PromptForm.choices)
    issued_on = models.DateField("发出日期", db_index=True)
    body = models.TextField("内容", blank=True)
    doc_number = models.CharField("文号", max_length=32, blank=True)
    # 基层党组织: the kinds / fields of organizations whose admins receive it.
    target_kinds = models.CharField("对象组织类别", max_length=100, blank=True)
    target_categories = models.ManyToManyField("orgs.Category", blank=True, related_name="+")

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "工作提示"
        ordering = ["-issued_on", "code"]

    def __str__(self):
        return self.title


class Receipt(models.Model):
    """签收: one recipient of a prompt — a leader (person) or an organization (signed by
    one of its org admins)."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField("最近催签", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt", "person"], name="receipt_person_once"),
            models.UniqueConstraint(fields=["prompt", "org"], name="receipt_org_once"),
        ]
        indexes = [models.Index(fields=["prompt", "signed_at"])]

    @property
    def recipient(self):
        return self.person or self.org


class InboxMessage(models.Model):
    """站内消息: what a recipient of a prompt receives until the notify app sends it."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField("类别", max_length=8)  # 工作提示 / 催签
    text = models.TextField("内容")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class NoticeStatus(models.TextChoices):
    SENT = "已发出"
    ANSWERED = "已反馈"
    CLOSED = "已办结"


class Notice(LedgerModel):
    code = models.CharField("整改单编号", max_length=64, unique=True)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("发出日期", db_index=True)
    matter = models.CharField("事项", max_length=500)
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改时限", null=True, blank=True)
    feedback = models.TextField("反馈情况", blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=NoticeStatus.choices, default=NoticeStatus.SENT
    )
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta(LedgerModel.Meta):
        verbose_name = verbose_name_plural = "整改单"
        ordering = ["-issued_on", "code"]

    def __str__(self):
        return self.matter


class CalendarFeed(models.Model):
    """A user's .ics feed: only the token's digest is kept; revoking deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
