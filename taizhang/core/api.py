"""The JSON API of LEDGERS.md §6, generated from the ledger declarations."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.module_loading import autodiscover_modules, import_string
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.responses import Status
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field, create_model

from .access import fetch_for_read, fetch_for_write, refuse_write, shown_rows, shown_values
from .errors import error_logged
from .ledger import Column, Ledger, registry
from .ledger_read import ledger_search
from .ledger_write import ArchiveRefused, Problem, ledger_archive, ledger_write


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        # The accounts app issues tokens; settings name the function that reads one.
        user = import_string(settings.TAIZHANG_TOKEN_USER)(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="台账 taizhang API",
    version="1",
    description="各台账的查询、新增、修改、归档与统计。认证：会话 Cookie（写操作需 CSRF）或 `Authorization: Bearer TOKEN`（`taizhang token 用户名` 签发）。",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    # The API's description is for its users: behind login unless a setting opens it.
    docs_decorator=None if settings.API_DOCS_PUBLIC else login_required,
)


class ApiProblem(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


@api.exception_handler(ApiProblem)
def _problem(request, exc: ApiProblem):
    return api.create_response(
        request,
        {"errors": [{"field": p.field, "message": p.message} for p in exc.problems]},
        status=400,
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or "body", "message": "格式不正确"}
        for e in exc.errors
    ]
    return api.create_response(request, {"errors": errors}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, {"errors": [{"field": "", "message": "记录不存在"}]}, status=404
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(
        request, {"errors": [{"field": "", "message": "您没有执行此操作的权限"}]}, status=403
    )


@api.exception_handler(Exception)
def _unexpected(request, exc):
    """A bug: logged with an id, answered with the id and no traceback."""
    error_id = error_logged(request, exc)
    message = f"服务器处理出错，已记录，未保存任何数据（错误编号 {error_id}）"
    return api.create_response(
        request, {"errors": [{"field": "", "message": message}], "error_id": error_id}, status=500
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, {"errors": [{"field": "", "message": "请先登录或提供有效的令牌"}]}, status=401
    )


_IN_TYPE = str | int | float | bool | list[str | int] | None


def _describe(column: Column) -> str:
    return column.header + ("（必填）" if column.required else "") + column.kind.describe(column)


def _schemas(ledger: Ledger):
    out_fields = {
        c.field: (c.kind.api_type, Field(None, description=_describe(c))) for c in ledger.columns
    }
    out_fields["archived"] = (bool, Field(False, description="是否已归档"))
    out_fields["warnings"] = (
        list[str],
        Field([], description="保存时的提醒（不阻止保存，如调研冲突）；查询时为空"),
    )
    out = create_model(f"{ledger.name.title().replace('_', '')}Out", __base__=Schema, **out_fields)
    in_fields = {c.field: (_IN_TYPE, Field(None, description=_describe(c))) for c in ledger.columns}
    body = create_model(f"{ledger.name.title().replace('_', '')}In", __base__=Schema, **in_fields)
    page = create_model(
        f"{ledger.name.title().replace('_', '')}Page",
        __base__=Schema,
        count=(int, ...),
        items=(list[out], ...),
    )
    return out, body, page


def _item(ledger: Ledger, obj, who) -> dict:
    values = shown_values(ledger, who, obj)
    values["archived"] = obj.archived_at is not None
    return _jsonable(ledger, values)


def _jsonable(ledger: Ledger, values: dict) -> dict:
    item = {c.field: c.jsonable(values[c.field]) for c in ledger.columns}
    item["archived"] = values["archived"]
    return item


class ListParams(Schema):
    q: str = Field("", description="搜索：编码、名称，人员可用拼音首字母")
    org: str = Field("", description="组织编码：只看该组织及其下级")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=500)
    figure: str = Field("", description="统计数字的键（如 orgs.members）：只列它统计的记录")
    from_: str = Field("", alias="from", description="与 figure 同用：起始日期（含）")
    to: str = Field("", description="与 figure 同用：截止日期（含）")


def _write(ledger: Ledger, request, raw: dict, mode: str):
    refuse_write(ledger, request.auth)  # 403, recorded, unless they write it somewhere
    outcome = ledger_write(ledger=ledger, actor=request.auth, rows=[(None, raw)], mode=mode)
    if not outcome.ok:
        raise ApiProblem(outcome.problems)
    key = ledger.key.parse(raw[ledger.key.field])
    item = _item(ledger, fetch_for_read(ledger, request.auth, key), request.auth)
    item["warnings"] = [w.line() for w in outcome.warnings]
    return item


def _router(ledger: Ledger) -> Router:
    out, body, page = _schemas(ledger)
    router = Router(tags=[f"{ledger.title}（{ledger.name}）"])

    @router.get(
        "/", response=page, summary=f"{ledger.title}列表", operation_id=f"{ledger.name}_list"
    )
    def list_rows(request, params: Query[ListParams]):
        drill = {}
        if params.figure:
            drill = figure_window(
                ledger, request.auth, params.figure, params.org, params.from_, params.to
            )
        rows = ledger_search(ledger, request.auth, q=params.q, org=params.org, **drill)
        start = (params.page - 1) * params.page_size
        values = shown_rows(ledger, request.auth, rows[start : start + params.page_size])
        items = [_jsonable(ledger, v) for v in values]
        return {"count": rows.count(), "items": items}

    @router.get(
        "/{key}", response=out, summary=f"查看{ledger.title}", operation_id=f"{ledger.name}_get"
    )
    def get_row(request, key: str):
        return _item(ledger, fetch_for_read(ledger, request.auth, key), request.auth)

    @router.post(
        "/",
        response={201: out},
        summary=f"新增{ledger.title}",
        operation_id=f"{ledger.name}_create",
    )
    def create_row(request, payload: body):
        return Status(
            201, _write(ledger, request, payload.model_dump(exclude_unset=True), "create")
        )

    @router.patch(
        "/{key}", response=out, summary=f"修改{ledger.title}", operation_id=f"{ledger.name}_update"
    )
    def update_row(request, key: str, payload: body):
        fetch_for_write(ledger, request.auth, key)  # 404 outside scope, 403 read-only
        raw = payload.model_dump(exclude_unset=True)
        raw[ledger.key.field] = key
        return _write(ledger, request, raw, "update")

    @router.delete(
        "/{key}", response=out, summary=f"归档{ledger.title}", operation_id=f"{ledger.name}_archive"
    )
    def archive_row(request, key: str):
        obj = fetch_for_write(ledger, request.auth, key)
        try:
            ledger_archive(ledger=ledger, actor=request.auth, obj=obj)
        except ArchiveRefused as refused:
            raise ApiProblem(
                [Problem(None, ledger.key.header, ledger.key.field, key, str(refused))]
            ) from None
        return _item(ledger, obj, request.auth)

    return router


def figure_window(ledger: Ledger, user, key: str, org: str, date_from: str, date_to: str):
    """The figure and window a drill-down names: ApiProblem for an unknown figure, a
    figure of another ledger or a bad date; 404 for an organization outside scope."""
    from .cells import CellError, parse_date
    from .figures import UnknownOrg, figure_registry, window_for
    from .scope import scope_for

    figure = figure_registry.get(key)
    if figure is None or figure.ledger != ledger.name:
        raise ApiProblem(
            [Problem(None, "统计", "figure", key, f"“{key}”不是{ledger.title}的统计数字")]
        )
    try:
        start, end = parse_date(date_from), parse_date(date_to)
    except CellError as error:
        raise ApiProblem([Problem(None, "日期", "from", "", str(error))]) from None
    try:
        window = window_for(scope_for(user), org=org, date_from=start, date_to=end)
    except UnknownOrg:
        raise Http404 from None
    return {"figure": figure, "window": window}


def mount_ledgers():
    """Every registered ledger's routes, then each app's own `api.py` (its routes on
    `api`); returns the URL patterns."""
    for ledger in registry.values():
        api.add_router(f"/{ledger.name}/", _router(ledger))
    autodiscover_modules("api")
    return api.urls
