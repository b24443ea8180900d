"""Home-page panels per role (a user with several grants sees each that applies)."""

from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.utils import timezone

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ledger import registry
from taizhang.core.scope import scope_for
from taizhang.orgs.models import Organization

from .models import NoticeStatus, Receipt, TaskStatus
from .selectors import receipts_for


def panel_html(request) -> str:
    user = request.user
    roles = scope_for(user).roles
    today = timezone.localdate()
    items = []
    if roles & {"office", "admin"}:
        tasks = rows_for_read(registry["tasks"], user)
        overdue = tasks.exclude(status=TaskStatus.DONE).filter(due_on__lt=today).count()
        prompts = rows_for_read(registry["prompts"], user)
        unsigned = prompts.filter(
            pk__in=Receipt.objects.filter(signed_at=None).values("prompt_id")
        ).count()
        items += [
            ("逾期任务", overdue, "/ledgers/tasks/?figure=dispatch.tasks_overdue"),
            ("尚有未签收的工作提示", unsigned, "/ledgers/prompts/?figure=prompts.unsigned"),
        ]
    if "org_admin" in roles:
        paths = [p for p, r in scope_for(user).grants if r == "org_admin"]
        mine = rows_for_read(registry["tasks"], user).filter(status=TaskStatus.IN_PROGRESS)
        mine = mine.filter(scope_path__in=paths) if paths else mine.none()
        codes = list(Organization.objects.filter(path__in=paths).values_list("code", flat=True))
        doing = "/ledgers/tasks/?" + urlencode(
            {"f_status": TaskStatus.IN_PROGRESS, **({"org": codes[0]} if len(codes) == 1 else {})}
        )
        notices = rows_for_read(registry["notices"], user).filter(status=NoticeStatus.SENT)
        items += [
            ("本组织进行中的任务", mine.count(), doing),
            (
                "待签收的工作提示",
                receipts_for(user).filter(signed_at=None).count(),
                "/dispatch/inbox/",
            ),
            ("待反馈的整改单", notices.count(), "/ledgers/notices/?f_status=已发出"),
        ]
    if "leader" in roles and getattr(user, "person_id", None):
        items.append(
            (
                "待签收的领导干部工作提示",
                receipts_for(user).filter(signed_at=None, person_id=user.person_id).count(),
                "/dispatch/inbox/",
            )
        )
    if not items or not may_read(registry["tasks"], user) and not items:
        return ""
    return render_to_string("dispatch/_home_panel.html", {"items": items})
