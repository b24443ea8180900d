from django.db.models import Q

from taizhang.core.figures import Figure, figure_group, register_figures

figure_group("throwaway", "示例", order=99)
register_figures(
    Figure("throwaway.notes", "示例记录", "notes"),
    Figure(
        "throwaway.notes_open", "未办结记录", "notes", ~Q(status="已办结"), note="状态不是已办结"
    ),
    Figure(
        "throwaway.orgs_without_notes",
        "没有记录的组织",
        "orgs",
        lambda w: ~Q(pk__in=w.rows("notes").values("org")),
        note="在日期范围内没有任何示例记录的组织",
    ),
)
