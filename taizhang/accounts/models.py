import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "主题教育办"
    LEADER = "leader", "领导干部"
    ORG_ADMIN = "org_admin", "党组织管理员"
    INSPECTOR = "inspector", "督导组"
    MEMBER = "member", "党员"
    SECURITY = "security", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


# Separation of duties (三员分立): no account holds two of these.
EXCLUSIVE_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    person = models.ForeignKey(
        "orgs.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name="人员",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="管理员设置或重置密码后，用户首次登录须先修改密码。",
    )
    mobile = models.CharField("手机号码", max_length=11, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_system_admin(self) -> bool:
        """Holds the admin role over the root of the org tree, now: the only way into
        Django admin. Derived from the grants at each request, never stored, so that
        removing the grant (or archiving its organization) removes the right."""
        if not self.is_active or not self.pk:
            return False
        cached = getattr(self, "_system_admin", None)
        if cached is None:
            cached = self.grants.filter(
                role=Role.ADMIN, org__parent=None, org__archived_at=None
            ).exists()
            self._system_admin = cached
        return cached

    def _holds_at_root(self, role: str) -> bool:
        if not self.is_active or not self.pk:
            return False
        return self.grants.filter(role=role, org__parent=None, org__archived_at=None).exists()

    @property
    def is_security_admin(self) -> bool:
        """Holds the security role over the root: unlocks logins, resets second factors."""
        cached = getattr(self, "_security_admin", None)
        if cached is None:
            cached = self._security_admin = self._holds_at_root(Role.SECURITY)
        return cached

    @property
    def may_read_audit(self) -> bool:
        """Holds the security or the auditor role over the root (三员分立): the audit's
        readers. The system administrator is not one of them."""
        cached = getattr(self, "_audit_reader", None)
        if cached is None:
            cached = self._audit_reader = self._holds_at_root(Role.SECURITY) or self._holds_at_root(
                Role.AUDITOR
            )
        return cached

    def two_factor_required(self) -> bool:
        """Holds a grant with one of TWO_FACTOR_ROLES (on a live organization)."""
        roles = settings.TWO_FACTOR_ROLES
        return bool(roles) and self.grants.filter(role__in=roles, org__archived_at=None).exists()

    def password_expired(self) -> bool:
        days = settings.PASSWORD_MAX_DAYS
        if days <= 0 or self.password_changed_at is None:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=days)

    def roles_display(self) -> list[str]:
        from .selectors import user_roles_display

        return user_roles_display(self)

    def scope_grants(self) -> list[tuple[str, str]]:
        """(org path, role) of each grant on a live organization: what the engine's
        scope is made of."""
        return list(self.grants.filter(org__archived_at=None).values_list("org__path", "role"))


class Grant(models.Model):
    """A role held over one organization's whole subtree."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="grants", verbose_name="组织"
    )

    class Meta:
        verbose_name = verbose_name_plural = "授权"
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="grant_unique")]

    def __str__(self):
        return f"{self.get_role_display()}@{self.org.code}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored. Refused once expired or revoked."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="tokens", verbose_name="用户"
    )
    name = models.CharField("名称", max_length=64, blank=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (TAIZHANG_PASSWORD_HISTORY): none is reused."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户"
    )
    hashed = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"


class LoginThrottle(models.Model):
    """Failed attempts of one username from one source address (source "*": from all
    sources). Past a threshold the key waits, the wait doubling with each lock-out."""

    ALL_SOURCES = "*"

    username = models.CharField("用户名", max_length=150)
    source = models.CharField("来源地址", max_length=64)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    lockouts = models.PositiveIntegerField("锁定次数", default=0)
    locked_until = models.DateTimeField("限制至", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录限制"
        constraints = [
            models.UniqueConstraint(fields=["username", "source"], name="login_throttle_unique")
        ]


class TwoFactor(models.Model):
    """A user's TOTP secret. last_step: the newest time step accepted, so that no code
    is accepted twice."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="two_factor", verbose_name="用户"
    )
    secret = models.CharField("密钥", max_length=64)
    confirmed_at = models.DateTimeField("绑定时间", auto_now_add=True)
    last_step = models.BigIntegerField("最近使用的时间步", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "两步验证"


class RecoveryCode(models.Model):
    """A one-time recovery code; only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name="用户"
    )
    digest = models.CharField("摘要", max_length=64)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "恢复码"

    @staticmethod
    def normalized(code: str) -> str:
        return "".join(c for c in code.lower() if c.isalnum())

    @classmethod
    def digest_of(cls, code: str) -> str:
        return hashlib.sha256(cls.normalized(code).encode()).hexdigest()


class PasswordDelivery(models.Model):
    """Initial (or reset) passwords waiting to be downloaded, once, by whoever set them.

    The passwords are never stored: each is derived from a one-time key (HMAC) that only
    the creator's page holds; this row keeps the key's SHA-256, who the passwords are for
    (no secret) and when they were downloaded. A second download is refused."""

    token = models.CharField("编号", max_length=32, unique=True)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("生成时间")
    purpose = models.CharField("事由", max_length=16)
    key_digest = models.CharField("密钥摘要", max_length=64)
    # [[user id, username, 姓名, 组织], ...] as they were when the passwords were set.
    accounts = models.JSONField("账号", default=list)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "初始密码下发"
