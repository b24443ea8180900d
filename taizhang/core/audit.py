"""Recording who changed what: every service writes through here, in its own transaction."""

import uuid

from django.utils import timezone

from .models import AuditEntry

FIELDS = ["at", "actor", "actor_name", "action", "ledger", "object_key", "before", "after", "batch"]


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
            k: (HIDDEN if any(w in str(k).lower() for w in SECRET_WORDS) else scrubbed(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrubbed(v) for v in value]
    return value


def new_batch() -> str:
    return uuid.uuid4().hex


def _actor(actor) -> tuple[int | None, str]:
    return getattr(actor, "pk", None), getattr(actor, "username", "") or "系统"


def audit_insert(*, actor, action: str, ledger: str, changes, batch: str = "") -> None:
    """Insert (key, before, after) triples at bulk speed, without model instances."""
    from .bulk import insert_values

    now = timezone.now()
    actor_id, actor_name = _actor(actor)
    rows = [
        (
            now,
            actor_id,
            actor_name,
            action,
            ledger,
            str(key),
            scrubbed(before),
            scrubbed(after),
            batch,
        )
        for key, before, after in changes
    ]
    insert_values(AuditEntry, FIELDS, rows)


def audit_record(*, actor, action: str, ledger: str, key, before=None, after=None) -> AuditEntry:
    actor_id, actor_name = _actor(actor)
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        ledger=ledger,
        object_key=str(key),
        before=scrubbed(before),
        after=scrubbed(after),
    )


def audit_history(*, ledger: str, key) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(ledger=ledger, object_key=str(key)).order_by("-at", "-id")
    )
