from django.db import models

from taizhang.core.models import LedgerModel


class NoteStatus(models.TextChoices):
    OPEN = "办理中"
    DONE = "已办结"


class Note(LedgerModel):
    code = models.CharField("记录编号", max_length=32, unique=True)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField("记录日期")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2, null=True, blank=True)
    body = models.TextField("内容", blank=True)
    evidence = models.CharField("附件", max_length=32, blank=True)
    status = models.CharField("状态", max_length=8, choices=NoteStatus.choices, default="办理中")

    class Meta(LedgerModel.Meta):
        ordering = ["code"]

    def __str__(self):
        return self.code


class Remark(LedgerModel):
    """Scoped through the note it remarks on: `scope_via = "note"`."""

    code = models.CharField("批注编号", max_length=32, unique=True)
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="remarks")
    text = models.CharField("批注", max_length=200)

    class Meta(LedgerModel.Meta):
        pass

    def __str__(self):
        return self.code
