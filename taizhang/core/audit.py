"""Recording who changed what: every service writes through here, in its own transaction."""

import hashlib
import uuid
from functools import lru_cache

import orjson
from django.db import connection
from django.utils import timezone

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
    "prev_hash",
    "hash",
]
GENESIS = "0" * 64
_CHAIN_LOCK = 7_402_614_023  # a PostgreSQL advisory lock: one chain writer at a time


ACTION_LABELS = {
    **dict(AuditEntry.Action.choices),
    "core.attachment.stored": "上传附件",
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


def entry_hash(prev: str, at, actor_name, action, ledger, key, before, after, batch) -> str:
    """What an entry's hash covers (not actor_id: it is nulled if a user is deleted)."""
    content = [prev, at.isoformat(), actor_name, action, ledger, key, before, after, batch]
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
    rows = []
    prev = _chain_head()
    scrub = fields is None or any(_secret(name) for name in fields)
    for key, before, after in changes:
        if scrub:
            before, after = scrubbed(before), scrubbed(after)
        digest = entry_hash(prev, now, actor_name, action, ledger, str(key), before, after, batch)
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
                prev,
                digest,
            )
        )
        prev = digest
    insert_values(AuditEntry, FIELDS, rows)


def audit_record(*, actor, action: str, ledger: str, key, before=None, after=None) -> AuditEntry:
    actor_id, actor_name = _actor(actor)
    before, after, now = scrubbed(before), scrubbed(after), timezone.now()
    prev = _chain_head()
    return AuditEntry.objects.create(
        at=now,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        ledger=ledger,
        object_key=str(key),
        before=before,
        after=after,
        prev_hash=prev,
        hash=entry_hash(prev, now, actor_name, action, ledger, str(key), before, after, ""),
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
        linked,
        digest,
    ) in entries.iterator(chunk_size=2000):
        count += 1
        if linked != prev:
            problems.append(f"第 {pk} 条审计记录之前的记录被删除或插入（链接不符）")
        if entry_hash(linked, at, actor_name, action, ledger, key, before, after, batch) != digest:
            problems.append(f"第 {pk} 条审计记录的内容被修改（哈希不符）")
        prev = digest
    return count, problems
