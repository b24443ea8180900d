"""Where a change comes from: the source IP and the channel (页面 / 接口 / 命令行 /
导入：file name) of the request, command or import being served, kept in a context
variable that the audit reads for every entry it records.

A small middleware sets it for each request; the `taizhang` commands set 命令行; an
import names its file. The source IP is REMOTE_ADDR, or — only when the request comes
from a proxy listed in TAIZHANG_TRUSTED_PROXIES — the client address that proxy put in
X-Forwarded-For (the right-most address not itself a trusted proxy)."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache

from django.conf import settings

PAGE, API, CLI, IMPORT = "页面", "接口", "命令行", "导入"


@dataclass(frozen=True)
class Source:
    ip: str = ""
    via: str = ""
    method: str = ""
    path: str = ""
    request: object = None  # the request being served (None at the command line)


NOWHERE = Source()
_current: ContextVar[Source | None] = ContextVar("taizhang_source", default=None)


def current() -> Source:
    return _current.get() or NOWHERE


@contextmanager
def serving(source: Source):
    token = _current.set(source)
    try:
        yield source
    finally:
        _current.reset(token)


@contextmanager
def importing(filename: str):
    """Entries recorded inside come from an import of this file (IP kept)."""
    with serving(replace(current(), via=f"{IMPORT}：{filename}"[:200])) as source:
        yield source


def command_line():
    """Entries recorded inside come from the operator at the command line."""
    return serving(Source(via=CLI))


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    networks = []
    for text in proxies:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _trusted(address: str) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(meta) -> str:
    """REMOTE_ADDR, or the client a trusted proxy names in X-Forwarded-For."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote[:45]
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a forged or garbled entry: trust nothing before it
        if not _trusted(hop):
            return hop[:45]
        remote = hop
    return remote[:45]


def request_source(request) -> Source:
    api = request.path.startswith("/api/")
    return Source(
        ip=client_ip(request.META),
        via=API if api else PAGE,
        method=request.method or "",
        path=request.path[:500],
        request=request,
    )


class AuditSourceMiddleware:
    """Sets the source of every audit entry recorded while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with serving(request_source(request)):
            return self.get_response(request)
