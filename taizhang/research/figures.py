"""Figures of research (LEDGERS.md §4), each drillable to its rows."""

from django.db.models import Q

from taizhang.core.figures import Figure, figure_group, register_figures

from .models import TripStatus


def _in_findings(window):
    from .selectors import findings_of

    found = findings_of(window.rows("research_trips"))
    return Q(code__in={code for f in found for code in f.trips})


def _findings(window, rows) -> int:
    from .selectors import findings_of

    return len(findings_of(window.rows("research_trips")))


figure_group("research", "调查研究", order=40)
register_figures(
    Figure("research.categories", "调研选题类型", "research_categories"),
    Figure("research.topics", "调研选题", "research_topics"),
    Figure(
        "research.trips",
        "已完成调研",
        "research_trips",
        Q(status=TripStatus.DONE),
        note="调研状态为已完成",
    ),
    Figure("research.reports", "调研报告", "research_reports"),
    Figure(
        "research.conflicts",
        "扎堆、多头、重复调研",
        "research_trips",
        _in_findings,
        note="未取消的调研活动中，扎堆、多头、重复调研的问题组数",
        counter=_findings,
        page="research-conflicts",
        unit="组",
    ),
)
