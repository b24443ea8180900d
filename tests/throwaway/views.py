from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from taizhang.core.access import may_read, rows_for_read
from taizhang.core.ledger import registry


@login_required
def notes_board(request):
    ledger = registry["notes"]
    count = rows_for_read(ledger, request.user).count() if may_read(ledger, request.user) else 0
    return HttpResponse(f"<p>示例记录 {count} 条</p>")


def home_panel(request) -> str:
    return '<p class="throwaway-panel">示例应用的首页面板</p>'
