"""Writes of the appeals loop that are more than an edit: reopening on 不满意, and
transferring (转办) to another organization with a reason. Audited."""

from django.db import transaction

from taizhang.core.audit import audit_record
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import Outcome, ledger_write
from taizhang.core.tree import district_codes

from .models import Appeal, AppealStatus


class TransferRefused(Exception):
    """Why an appeal may not be transferred (in Chinese)."""


def appeal_reopen(*, actor, appeal: Appeal) -> None:
    """不满意: back to 办理中, the reopening counted; closing again needs a new 办理结果.
    Inside the write that recorded the feedback."""
    reopened = appeal.reopened + 1
    # The feedback itself stays in the audit; the appeal, handled again, has none yet.
    Appeal.objects.filter(pk=appeal.pk).update(
        status=AppealStatus.HANDLING,
        satisfaction="",
        reopened=reopened,
        reopened_result=appeal.result,
    )
    audit_record(
        actor=actor,
        action="visits.appeal.reopened",
        ledger="appeals",
        key=appeal.code,
        before={"status": AppealStatus.FED_BACK, "satisfaction": appeal.satisfaction},
        after={"status": AppealStatus.HANDLING, "重新办理次数": reopened},
    )


@transaction.atomic
def appeal_transfer(*, actor, appeal: Appeal, org, reason: str) -> Outcome:
    """转办: another organization of the same district handles it; the reason is kept in
    the audit beside the change of 承办组织."""
    reason = reason.strip()
    if not reason:
        raise TransferRefused("转办须说明原因")
    if org.pk == appeal.org_id:
        raise TransferRefused("诉求已由该组织承办")
    districts = district_codes([appeal.org.path, org.path])
    if districts.get(appeal.org.path) != districts.get(org.path):
        raise TransferRefused(f"“{org.name}”不在本区范围内，不能转办")
    outcome = ledger_write(
        ledger=registry["appeals"],
        actor=actor,
        rows=[(None, {"code": appeal.code, "org": org.code})],
        mode="update",
    )
    if outcome.ok:
        audit_record(
            actor=actor,
            action="visits.appeal.transferred",
            ledger="appeals",
            key=appeal.code,
            before={"org": appeal.org.code},
            after={"org": org.code, "reason": reason},
        )
    return outcome
