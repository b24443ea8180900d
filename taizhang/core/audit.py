"""Recording who changed what: every service writes through here, in its own transaction."""

import uuid

from django.utils import timezone

from .models import AuditEntry


def new_batch() -> str:
    return uuid.uuid4().hex


def audit_entries(*, actor, action: str, ledger: str, changes, batch: str = "") -> list[AuditEntry]:
    """Build unsaved entries for (key, before, after) triples; callers bulk-insert them."""
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    actor_name = getattr(actor, "username", "") or "系统"
    return [
        AuditEntry(
            at=now, actor_id=actor_id, actor_name=actor_name, action=action, ledger=ledger,
            object_key=str(key), before=before, after=after, batch=batch,
        )
        for key, before, after in changes
    ]


def audit_record(*, actor, action: str, ledger: str, key, before=None, after=None) -> AuditEntry:
    (entry,) = audit_entries(
        actor=actor, action=action, ledger=ledger, changes=[(key, before, after)]
    )
    entry.save()
    return entry


def audit_history(*, ledger: str, key) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(ledger=ledger, object_key=str(key)).order_by("-at", "-id"))
