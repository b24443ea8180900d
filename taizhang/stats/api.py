"""GET /api/v1/stats: the figures of LEDGERS.md §4 for the caller's scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Schema
from pydantic import Field

from taizhang.core.api import ApiProblem, api
from taizhang.core.cells import CellError, parse_date
from taizhang.core.figures import UnknownOrg, figures_compute, window_for
from taizhang.core.ledger_write import Problem
from taizhang.core.scope import scope_for


class StatsParams(Schema):
    org: str = Field("", description="组织编码：只统计该组织及其下级")
    from_: str = Field("", alias="from", description="起始日期（含），按各台账自己的日期")
    to: str = Field("", description="截止日期（含）")


@api.get("/stats", summary="统计数字（只含您有权查看的台账）", tags=["统计"], operation_id="stats")
def stats(request, params: Query[StatsParams]):
    try:
        date_from, date_to = parse_date(params.from_), parse_date(params.to)
    except CellError as error:
        raise ApiProblem([Problem(None, "日期", "from", "", str(error))]) from None
    try:
        window = window_for(
            scope_for(request.auth), org=params.org, date_from=date_from, date_to=date_to
        )
    except UnknownOrg:
        raise Http404 from None
    values = figures_compute(window)
    if not values:
        raise PermissionDenied
    return values
