"""Batch work on the rows a user picked on a list page, or on every row its filter
matches: archive, restore, set one column. Each goes through the one audited write
service, all or nothing; the page first says how many rows and asks to confirm."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from .access import row_writable, rows_for_read
from .ledger import Column, Ledger
from .ledger_read import ledger_search
from .ledger_write import ArchiveRefused, ledger_archive, ledger_write

ACTIONS = {"archive": "归档", "restore": "恢复", "set": "批量修改"}


@dataclass
class BatchOutcome:
    done: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def batch_rows(ledger: Ledger, user, *, keys: list[str], params: dict) -> QuerySet:
    """The picked rows (by key) or, without keys, every row the list's filter matches —
    both through the read door."""
    if keys:
        readable = rows_for_read(ledger, user, archived=params.get("archived", False))
        return readable.filter(**{f"{ledger.key.attr}__in": keys}).order_by(
            ledger.default_order, "pk"
        )
    return ledger_search(ledger, user, **params)


def settable_columns(ledger: Ledger) -> list[Column]:
    """Columns one value can be set on for many rows at once: not the key, not files."""
    return [c for c in ledger.columns[1:] if c.kind.name != "file"]


def too_many(count: int) -> str:
    limit = settings.BATCH_MAX_ROWS
    if count > limit:
        return f"一次最多处理 {limit:,} 条，当前选中 {count:,} 条，请缩小筛选范围后分批处理"
    return ""


def batch_archive(ledger: Ledger, user, rows: QuerySet, *, restore: bool) -> BatchOutcome:
    objs = list(rows)
    if message := too_many(len(objs)):
        return BatchOutcome(problems=[message])
    refused = [ledger.key_of(o) for o in objs if not row_writable(ledger, user, o)]
    if refused:
        shown = "、".join(refused[:10]) + ("等" if len(refused) > 10 else "")
        return BatchOutcome(problems=[f"您无权修改其中 {len(refused)} 条（{shown}），未做任何改动"])
    try:
        with transaction.atomic():
            for obj in objs:
                ledger_archive(ledger=ledger, actor=user, obj=obj, restore=restore)
    except ArchiveRefused as refused_one:
        return BatchOutcome(problems=[f"“{ledger.key_of(obj)}”：{refused_one}；未做任何改动"])
    return BatchOutcome(done=len(objs))


def batch_set(ledger: Ledger, user, rows: QuerySet, *, column: Column, raw) -> BatchOutcome:
    keys = list(rows.values_list(ledger.key.attr, flat=True))
    if message := too_many(len(keys)):
        return BatchOutcome(problems=[message])
    outcome = ledger_write(
        ledger=ledger,
        actor=user,
        rows=[(n, {ledger.key.field: key, column.field: raw}) for n, key in enumerate(keys, 1)],
        mode="update",
    )
    if not outcome.ok:
        lines = [
            f"“{keys[p.row - 1]}” {p.header}：{p.message}" if p.row else p.message
            for p in outcome.problems
        ]
        return BatchOutcome(problems=lines[:20])
    return BatchOutcome(done=len(keys))
