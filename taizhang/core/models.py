"""The base of every ledger row, and the audit log."""

from django.conf import settings
from django.db import models


class LedgerModel(models.Model):
    """A ledger row: archived instead of deleted, carrying its district (tenant) key and
    its scope path — the materialized path of the organization that scopes it, kept on
    the row by the write service (and by org moves), so that reading a user's rows is a
    range scan of one partial index, with no join. Concrete models inherit the Meta
    (`class Meta(LedgerModel.Meta)`) to get that index; a system check insists."""

    district = models.CharField("区县", max_length=64, db_index=True, default="")
    scope_path = models.CharField(max_length=1000, default="", blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["scope_path"],
                name="%(app_label)s_%(class)s_live",
                condition=models.Q(archived_at__isnull=True),
            ),
        ]


class AuditQuerySet(models.QuerySet):
    """Audit records are append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改")

    def delete(self):
        raise PermissionError("审计记录不可删除")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        ARCHIVE = "archive", "归档"
        RESTORE = "restore", "恢复"
        LOGIN = "login", "登录"
        GRANT = "grant", "授权"

    # Apps name what their own transitions mean with dotted codes
    # ("rectify.measure.verified"), registered with a label: core/audit.py.

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64)
    ledger = models.CharField("台账", max_length=40)
    object_key = models.CharField("对象", max_length=64)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    batch = models.CharField("批次", max_length=40, blank=True)
    # Where it came from: the client's address and the channel (页面 / 接口 / 命令行 /
    # 导入：file name), from core/source.py; both covered by the hash.
    source_ip = models.CharField("来源IP", max_length=45, blank=True, default="")
    via = models.CharField("来源", max_length=200, blank=True, default="")
    # A hash chain: each entry's hash covers its content and the previous entry's hash,
    # so that `taizhang audit verify` finds a changed, removed or inserted entry.
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["ledger", "object_key", "at"]),
            models.Index(fields=["actor_name", "at"], name="core_audite_actor_n_idx"),
            models.Index(fields=["action", "at"], name="core_audite_action_idx"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")

    def get_action_display(self) -> str:
        from .audit import action_label

        return action_label(self.action)

    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Attachment(models.Model):
    """A file attached to a ledger row (evidence, minutes, a plan document). Stored through
    Django's storage API under a random name; served only through the row's read door."""

    key = models.CharField(max_length=32, unique=True)
    ledger = models.CharField("台账", max_length=40)
    field = models.CharField("列", max_length=40)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "附件"

    def __str__(self):
        return self.name


class ImportPreview(models.Model):
    """An uploaded ledger file between its preview and its commit. Kept in the database,
    not on one web host's disk, so that the commit may reach any host."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ledger = models.CharField(max_length=40)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)
