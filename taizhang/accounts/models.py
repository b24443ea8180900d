import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "主题教育办"
    LEADER = "leader", "领导干部"
    ORG_ADMIN = "org_admin", "党组织管理员"
    INSPECTOR = "inspector", "督导组"
    MEMBER = "member", "党员"


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    person = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

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

    def roles_display(self) -> list[str]:
        from .selectors import user_roles_display

        return user_roles_display(self)

    def scope_grants(self) -> list[tuple[str, str]]:
        """(org path, role) of each grant on a live organization: what the engine's
        scope is made of."""
        return list(self.grants.filter(org__archived_at=None).values_list("org__path", "role"))


class Grant(models.Model):
    """A role held over one organization's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="grants")

    class Meta:
        verbose_name = verbose_name_plural = "授权"
        constraints = [models.UniqueConstraint(fields=["user", "role", "org"], name="grant_unique")]

    def __str__(self):
        return f"{self.get_role_display()}@{self.org.code}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
