"""Writes to users, grants and tokens; each is audited."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from taizhang.core.audit import audit_record
from taizhang.core.models import AuditEntry

from .models import ApiToken, Grant, Role, User


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, role: str, org, display_name: str = ""
) -> User:
    """Create a user with one grant. Raises ValidationError (Chinese) for a weak password."""
    if role not in Role.values:
        raise ValueError(f"未知角色“{role}”（可选：{'、'.join(Role.values)}）")
    user = User(username=username, display_name=display_name or username)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    # Django admin rights are never stored: they follow the grants (accounts/backends.py).
    user.is_staff = user.is_superuser = False
    user.save()
    Grant.objects.create(user=user, role=role, org=org)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        ledger="users",
        key=username,
        after={"role": role, "org": org.code},
    )
    return user


@transaction.atomic
def grant_add(*, actor, user: User, role: str, org) -> Grant:
    grant, _ = Grant.objects.get_or_create(user=user, role=role, org=org)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        ledger="users",
        key=user.username,
        after={"role": role, "org": org.code},
    )
    return grant


@transaction.atomic
def password_set(*, actor, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        ledger="users",
        key=user.username,
        after={"事项": "修改密码"},
    )


def token_create(*, actor, user: User) -> str:
    """A new API token; only its digest is kept, so it is shown this once."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(token))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        ledger="tokens",
        key=user.username,
        after={"事项": "签发 API 令牌"},
    )
    return token


def token_user(token: str) -> User | None:
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), user__is_active=True)
        .first()
    )
    if found is None:
        return None
    # Renewed at most once a minute, like the session: a read costs no write.
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > timedelta(seconds=60):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def login_locked_until(username: str):
    user = User.objects.filter(username=username).only("locked_until").first()
    if user and user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


def login_failed(*, username: str) -> None:
    """Count a failed login; lock the account after LOGIN_MAX_FAILURES in a row."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            return
        user.failed_logins += 1
        after = {"result": "密码错误", "failures": user.failed_logins}
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
            after["locked_until"] = user.locked_until.isoformat()
        user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(
            actor=None, action=AuditEntry.Action.LOGIN, ledger="users", key=username, after=after
        )


def login_succeeded(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, ledger="users", key=user.username)
