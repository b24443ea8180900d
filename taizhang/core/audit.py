"""Recording who changed what: every service writes through here, in its own transaction."""

import hashlib
import uuid
from functools import lru_cache

import orjson
from django.db import connection, transaction
from django.utils import timezone

from . import source as _source
from .models import AuditEntry

FIELDS = [
    "at",
    "actor",
    "actor_name",
    "action",
    "ledger",
    "object_key",
    "before",
    "after",
    "batch",
    "source_ip",
    "via",
    "prev_hash",
    "hash",
]
GENESIS = "0" * 64
_CHAIN_LOCK = 7_402_614_023  # a PostgreSQL advisory lock: one chain writer at a time


ACTION_LABELS = {
    **dict(AuditEntry.Action.choices),
    "core.attachment.stored": "上传附件",
    "core.export": "导出",
    "core.warnings.confirmed": "确认提示后保存",
    "core.export.refused": "导出被拒绝",
    "core.access.denied": "越权访问被拒绝",
    "core.audit.export": "导出审计记录",
}


def action_register(code: str, label: str) -> None:
    """Name a dotted action code an app records (e.g. "rectify.measure.verified": "销号")."""
    ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


SECRET_WORDS = ("password", "passwd", "token", "secret", "digest", "otp")
HIDDEN = "（已隐去）"


def scrubbed(value):
    """The value with every secret-named entry hidden, at any depth: no path that sets a
    password or issues a token can write it into the append-only audit."""
    if isinstance(value, dict):
        return {
            k: HIDDEN if _secret(k) else scrubbed(v) if isinstance(v, dict | list) else v
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    return value


@lru_cache(maxsize=4096)  # the same few field names, row after row
def _secret(key) -> bool:
    name = str(key).lower()
    return any(word in name for word in SECRET_WORDS)


def new_batch() -> str:
    return uuid.uuid4().hex


def _actor(actor) -> tuple[int | None, str]:
    return getattr(actor, "pk", None), getattr(actor, "username", "") or "系统"


def _chain_head() -> str:
    """The hash the next entry follows. The chain is written by one transaction at a
    time (on PostgreSQL an advisory lock held until commit; SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS


def entry_hash(
    prev: str, at, actor_name, action, ledger, key, before, after, batch, ip="", via=""
) -> str:
    """What an entry's hash covers (not actor_id: it is nulled if a user is deleted).
    The source (IP, channel) is covered when the entry has one; entries written before
    it was recorded keep the hash they were written with, and blanking the source of a
    later one no longer matches its hash."""
    content = [prev, at.isoformat(), actor_name, action, ledger, key, before, after, batch]
    if ip or via:
        content += [ip, via]
    # orjson: keys sorted, compact, UTF-8 — the same bytes for the values as written and
    # as read back; ten times faster than json for a 40,000-row import's audit.
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def audit_insert(*, actor, action: str, ledger: str, changes, batch: str = "", fields=None) -> None:
    """Insert (key, before, after) triples at bulk speed, without model instances, each
    chained to the one before. `fields`: the names the values can hold (a ledger's
    columns); when none is secret-named, scrubbing each row is skipped."""
    from .bulk import insert_values

    now = timezone.now()
    actor_id, actor_name = _actor(actor)
    here = _source.current()
    where = (here.ip, here.via)
    rows = []
    prev = _chain_head()
    scrub = fields is None or any(_secret(name) for name in fields)
    for key, before, after in changes:
        if scrub:
            before, after = scrubbed(before), scrubbed(after)
        digest = entry_hash(
            prev, now, actor_name, action, ledger, str(key), before, after, batch, *where
        )
        rows.append(
            (
                now,
                actor_id,
                actor_name,
                action,
                ledger,
                str(key),
                before,
                after,
                batch,
                *where,
                prev,
                digest,
            )
        )
        prev = digest
    insert_values(AuditEntry, FIELDS, rows)


def audit_record(*, actor, action: str, ledger: str, key, before=None, after=None) -> AuditEntry:
    actor_id, actor_name = _actor(actor)
    before, after, now = scrubbed(before), scrubbed(after), timezone.now()
    here = _source.current()
    key = str(key)[:64]
    # Its own transaction when none is open (an export, a refusal): the chain's lock is
    # held until the entry is committed, so two processes never follow the same head.
    with transaction.atomic():
        return _append(actor_id, actor_name, action, ledger, key, before, after, now, here)


def _append(actor_id, actor_name, action, ledger, key, before, after, now, here):
    prev = _chain_head()
    return AuditEntry.objects.create(
        at=now,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        ledger=ledger,
        object_key=key,
        before=before,
        after=after,
        source_ip=here.ip,
        via=here.via,
        prev_hash=prev,
        hash=entry_hash(
            prev, now, actor_name, action, ledger, key, before, after, "", here.ip, here.via
        ),
    )


def audit_history(*, ledger: str, key) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(ledger=ledger, object_key=str(key)).order_by("-at", "-id")
    )


def audit_verify() -> tuple[int, list[str]]:
    """Walk the chain in order: (entries checked, problems in Chinese). A changed entry
    no longer matches its hash; a removed or inserted one breaks the link after it."""
    problems, prev, count = [], GENESIS, 0
    entries = AuditEntry.objects.order_by("id").values_list(
        "id", *(name for name in FIELDS if name != "actor")
    )
    for (
        pk,
        at,
        actor_name,
        action,
        ledger,
        key,
        before,
        after,
        batch,
        ip,
        via,
        linked,
        digest,
    ) in entries.iterator(chunk_size=2000):
        count += 1
        if linked != prev:
            problems.append(f"第 {pk} 条审计记录之前的记录被删除或插入（链接不符）")
        content = (at, actor_name, action, ledger, key, before, after, batch, ip, via)
        if entry_hash(linked, *content) != digest:
            problems.append(f"第 {pk} 条审计记录的内容被修改（哈希不符）")
        prev = digest
    return count, problems


# -- reading the audit: the audit page, its export, `taizhang audit export` ------------
# The application never deletes an entry (retention is at least the 180 days 等保
# requires: everything, for as long as the database is kept).

AUDIT_EXPORT_HEADERS = [
    "编号",
    "时间",
    "操作人",
    "操作",
    "操作代码",
    "台账",
    "对象",
    "来源IP",
    "来源",
    "修改前",
    "修改后",
    "批次",
    "哈希",
]


def audit_search(*, date_from=None, date_to=None, actor="", action="", ledger="", key="", ip=""):
    """Entries matching the audit page's filters, newest first. Dates are whole days
    (Asia/Shanghai), both ends included."""
    import datetime as dt

    queryset = AuditEntry.objects.all()
    zone = timezone.get_default_timezone()
    if date_from:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        queryset = queryset.filter(at__gte=start)
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        queryset = queryset.filter(at__lt=end)
    if actor := actor.strip():
        queryset = queryset.filter(actor_name__icontains=actor)
    if action := action.strip():
        queryset = queryset.filter(action=action)
    if ledger := ledger.strip():
        queryset = queryset.filter(ledger=ledger)
    if key := key.strip():
        queryset = queryset.filter(object_key__icontains=key)
    if ip := ip.strip():
        queryset = queryset.filter(source_ip__startswith=ip)
    return queryset.order_by("-at", "-id")


def masked_entry_values(entry_ledger: str, value):
    """An entry's before/after with the personal columns of its ledger masked (the audit
    page is read by auditors, who do not maintain the data)."""
    from .ledger import registry
    from .masking import mask_row

    ledger = registry.get(entry_ledger)
    if ledger is None or not isinstance(value, dict) or not ledger.personal_columns:
        return value
    return mask_row(ledger.personal_columns, value)


def write_audit_export(queryset, target, *, masked: bool) -> int:
    """Every entry of `queryset` on one sheet (constant memory); returns the count."""
    from .spreadsheet import SheetWriter

    writer = SheetWriter(target, "审计记录")
    writer.write_row(AUDIT_EXPORT_HEADERS, header=True)
    for col, width in enumerate((8, 20, 14, 14, 22, 12, 20, 16, 20, 40, 40, 12, 20)):
        writer.sheet.set_column(col, col, width)
    count = 0
    for entry in queryset.iterator(chunk_size=2000):
        before, after = entry.before, entry.after
        if masked:
            before = masked_entry_values(entry.ledger, before)
            after = masked_entry_values(entry.ledger, after)
        writer.write_row(
            [
                entry.pk,
                entry.at,
                entry.actor_name,
                action_label(entry.action),
                entry.action,
                entry.ledger,
                entry.object_key,
                entry.source_ip,
                entry.via,
                _json_text(before),
                _json_text(after),
                entry.batch,
                entry.hash,
            ]
        )
        count += 1
    writer.close()
    return count


def _json_text(value) -> str:
    if value is None:
        return ""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
