"""Figures of visits and appeals (LEDGERS.md §4), each drillable to its rows."""

from django.db.models import Q
from django.utils import timezone

from taizhang.core.figures import Figure, figure_group, register_figures

from .models import CLOSED, Satisfaction, TargetKind, Visit


def _enterprise_visits(window):
    return window.rows("visits").filter(target_kind=TargetKind.ENTERPRISE)


def _cadres(window):
    """People among the visitors of visits to 市场主体."""
    ids = Visit.visitors.through.objects.filter(
        visit_id__in=_enterprise_visits(window).values("pk")
    ).values("person_id")
    return Q(pk__in=ids)


def _enterprises(window):
    return Q(credit_code__in=_enterprise_visits(window).values("target"))


def _overdue(window):
    return ~Q(status__in=CLOSED) & Q(due_on__lt=timezone.localdate())


def _under_quota(window):
    """Leaders with no visit in the current month."""
    today = timezone.localdate()
    first = today.replace(day=1)
    visited = Visit.visitors.through.objects.filter(
        visit__archived_at=None, visit__visited_on__gte=first, visit__visited_on__lte=today
    ).values("person_id")
    return Q(is_leader=True) & ~Q(pk__in=visited)


figure_group("visits", "走访与诉求", order=50)
register_figures(
    Figure("visits.visits", "走访", "visits"),
    Figure(
        "visits.cadres",
        "走访市场主体的干部",
        "people",
        _cadres,
        note="走访对象类型为市场主体的走访人员（去重）",
    ),
    Figure(
        "visits.enterprises",
        "走访到的企业",
        "enterprises",
        _enterprises,
        note="被走访的市场主体（去重）",
    ),
    Figure("visits.appeals", "意见诉求", "appeals"),
    Figure(
        "visits.appeals_closed",
        "已办结的诉求",
        "appeals",
        Q(status__in=CLOSED),
        note="办理状态为已办结或已反馈",
    ),
    Figure(
        "visits.appeals_overdue",
        "超期未办结的诉求",
        "appeals",
        _overdue,
        note="未办结且办理时限已过",
    ),
    Figure(
        "visits.appeals_unsatisfied",
        "不满意的诉求",
        "appeals",
        Q(satisfaction=Satisfaction.UNSATISFIED) | Q(reopened__gt=0),
        note="反馈不满意（含已重新办理）",
    ),
    Figure(
        "visits.leaders_under_quota",
        "本月尚未走访的县处级领导",
        "people",
        _under_quota,
        note="本月没有走访记录的县处级领导",
    ),
)
