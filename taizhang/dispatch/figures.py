"""Figures of meetings, tasks, prompts and notices (LEDGERS.md §4)."""

from django.db.models import Q
from django.utils import timezone

from taizhang.core.figures import Figure, figure_group, register_figures

from .models import MeetingKind, NoticeStatus, PromptForm, Receipt, TaskStatus


def _overdue(window):
    # Relative to today when the figure is computed (not when the module was loaded).
    return ~Q(status=TaskStatus.DONE) & Q(due_on__lt=timezone.localdate())


def _unsigned(window):
    return Q(pk__in=Receipt.objects.filter(signed_at=None).values("prompt_id"))


figure_group("dispatch", "调度", order=20)
figure_group("prompts", "工作提示", order=21)
figure_group("notices", "整改单", order=22)
register_figures(
    Figure(
        "dispatch.meetings_leading_group",
        "领导小组会议",
        "meetings",
        Q(kind=MeetingKind.LEADING_GROUP),
        note="会议类型为领导小组会议",
    ),
    Figure(
        "dispatch.meetings_office",
        "办公室例会",
        "meetings",
        Q(kind=MeetingKind.OFFICE),
        note="会议类型为办公室例会",
    ),
    Figure("dispatch.tasks", "任务", "tasks"),
    Figure(
        "dispatch.tasks_done",
        "已完成任务",
        "tasks",
        Q(status=TaskStatus.DONE),
        note="任务状态为已完成",
    ),
    Figure("dispatch.tasks_overdue", "逾期任务", "tasks", _overdue, note="未完成且截止日期已过"),
    Figure(
        "prompts.written",
        "书面工作提示",
        "prompts",
        Q(form=PromptForm.WRITTEN),
        note="提示形式为书面",
    ),
    Figure("prompts.sms", "短信温馨提示", "prompts", Q(form=PromptForm.SMS), note="提示形式为短信"),
    Figure(
        "prompts.unsigned",
        "尚有未签收的提示",
        "prompts",
        _unsigned,
        note="至少一个接收对象尚未签收",
    ),
    Figure(
        "notices.open",
        "未办结整改单",
        "notices",
        ~Q(status=NoticeStatus.CLOSED),
        note="状态不是已办结",
    ),
)
