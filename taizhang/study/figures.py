"""Figures of study and publicity (LEDGERS.md §4), each drillable to its rows."""

from django.db.models import Q

from taizhang.core.figures import Figure, figure_group, register_figures

from .models import ABOVE_DISTRICT, SimilarPair, StudyForm
from .selectors import attended_ids


def _reached(window):
    return Q(is_member=True) & Q(pk__in=attended_ids(window.date_from, window.date_to))


def _not_reached(window):
    return Q(is_member=True) & ~Q(pk__in=attended_ids(window.date_from, window.date_to))


def _in_pairs(window):
    """Articles of pairs whose two articles both lie in the window and the scope."""
    ids = window.rows("study_articles").values("pk")
    pairs = SimilarPair.objects.filter(first_id__in=ids, second_id__in=ids)
    return Q(pk__in=pairs.values("first_id")) | Q(pk__in=pairs.values("second_id"))


def _pairs(window, rows) -> int:
    """Pairs whose two articles both lie in the window (and the reader's scope)."""
    ids = rows.values("pk")
    return SimilarPair.objects.filter(first_id__in=ids, second_id__in=ids).count()


figure_group("study", "理论学习", order=30)
figure_group("publicity", "宣传报道", order=31)
register_figures(
    Figure("study.plans", "学习计划", "study_plans"),
    Figure("study.sessions", "学习活动", "study_sessions"),
    Figure(
        "study.leader_articles",
        "县处级领导学习体会文章",
        "study_articles",
        Q(author__is_leader=True),
        note="作者为县处级领导",
    ),
    Figure(
        "study.members_reached",
        "已参学党员",
        "people",
        _reached,
        note="党员，且期间内至少参加一次学习活动",
    ),
    Figure(
        "study.members_not_reached",
        "尚未参学党员",
        "people",
        _not_reached,
        note="党员，且期间内未参加任何学习活动",
    ),
    Figure(
        "study.home_deliveries",
        "送学上门",
        "study_sessions",
        Q(form=StudyForm.AT_HOME),
        note="学习形式为送学上门",
    ),
    Figure(
        "study.similar_pairs",
        "疑似雷同文章对",
        "study_articles",
        _in_pairs,
        note="两篇文章正文相似度达到阈值",
        counter=_pairs,
        page="study-similar",
        unit="对",
    ),
    Figure("publicity.articles", "宣传稿件", "publicity"),
    Figure(
        "publicity.above_district",
        "市级以上媒体稿件",
        "publicity",
        Q(level__in=ABOVE_DISTRICT),
        note="媒体层级为中央、省或市",
    ),
)
