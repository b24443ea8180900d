"""Writes to users, grants, passwords, second factors, tokens and the login throttle;
each is audited, and none records a secret."""

import base64
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taizhang.core.audit import action_register, audit_record
from taizhang.core.models import AuditEntry
from taizhang.core.source import client_ip as source_client_ip

from .models import (
    EXCLUSIVE_ROLES,
    ApiToken,
    Grant,
    LoginThrottle,
    PasswordHistory,
    RecoveryCode,
    Role,
    TwoFactor,
    User,
)

LOGOUT = "accounts.logout"
PASSWORD_CHANGED = "accounts.password.changed"
PASSWORD_RESET = "accounts.password.reset"
TWO_FACTOR_ENROLLED = "accounts.2fa.enrolled"
TWO_FACTOR_FAILED = "accounts.2fa.failed"
RECOVERY_USED = "accounts.2fa.recovery_used"
RECOVERY_REGENERATED = "accounts.2fa.recovery_regenerated"
TWO_FACTOR_RESET = "accounts.2fa.reset"
TOKEN_CREATED = "accounts.token.created"
TOKEN_USED = "accounts.token.used"
TOKEN_REVOKED = "accounts.token.revoked"
THROTTLE_CLEARED = "accounts.throttle.cleared"

for _code, _label in {
    LOGOUT: "退出登录",
    PASSWORD_CHANGED: "修改密码",
    PASSWORD_RESET: "管理员设置密码",
    TWO_FACTOR_ENROLLED: "启用两步验证",
    TWO_FACTOR_FAILED: "两步验证码错误",
    RECOVERY_USED: "使用恢复码登录",
    RECOVERY_REGENERATED: "重新生成恢复码",
    TWO_FACTOR_RESET: "重置两步验证",
    TOKEN_CREATED: "签发接口令牌",
    TOKEN_USED: "使用接口令牌",
    TOKEN_REVOKED: "吊销接口令牌",
    THROTTLE_CLEARED: "解除登录限制",
}.items():
    action_register(_code, _label)

RECOVERY_CODES = 10
TOTP_STEP = 30
# An unknown name is recorded cut to its first characters: it may be a password typed
# into the wrong field, and the audit is append-only.
AUDIT_NAME_LENGTH = 3


# ---------------------------------------------------------------- users and grants


def _sod_check(user: User | None, roles: set[str]) -> None:
    """Separation of duties (三员分立): refuse an account holding two exclusive roles."""
    held = set(roles)
    if user is not None and user.pk:
        held |= set(user.grants.values_list("role", flat=True))
    exclusive = held & EXCLUSIVE_ROLES
    if len(exclusive) > 1:
        labels = "、".join(Role(r).label for r in sorted(exclusive))
        raise ValidationError(
            f"三员分立：同一账号不能同时担任系统管理员、安全管理员、安全审计员中的两个（{labels}）。"
        )


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    org,
    display_name: str = "",
    must_change: bool = False,
) -> User:
    """Create a user with one grant. Raises ValidationError (Chinese) for a weak password.
    must_change: the user changes the password at first login (set by an administrator)."""
    if role not in Role.values:
        raise ValueError(f"未知角色“{role}”（可选：{'、'.join(Role.values)}）")
    user = User(username=username, display_name=display_name or username)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    # Django admin rights are never stored: they follow the grants (accounts/backends.py).
    user.is_staff = user.is_superuser = False
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save()
    PasswordHistory.objects.create(user=user, hashed=user.password)
    Grant.objects.create(user=user, role=role, org=org)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        ledger="users",
        key=username,
        after={"事项": "创建用户（含密码）", "display_name": user.display_name},
    )
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
    """One more grant; raises ValidationError (Chinese) against separation of duties."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one grant write at a time
    _sod_check(user, {role})
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
def user_deactivate(*, actor, user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        ledger="users",
        key=user.username,
        after={"is_active": False},
    )
    tokens_revoke_all(actor=actor, user=user, reason="停用账号")


# ---------------------------------------------------------------- passwords


def password_history_check(user: User, password: str) -> None:
    """Refuse one of the user's last PASSWORD_HISTORY passwords (the current one too)."""
    count = settings.PASSWORD_HISTORY
    if count <= 0 or not user.pk:
        return
    hashes = list(
        PasswordHistory.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("hashed", flat=True)[:count]
    )
    if user.password:
        hashes.append(user.password)
    if any(check_password(password, hashed) for hashed in hashes):
        raise ValidationError(f"不能与最近 {count} 次使用过的密码相同。", code="password_reused")


def _password_recorded(user: User) -> None:
    """Keep the new hash in the history (the newest PASSWORD_HISTORY only)."""
    PasswordHistory.objects.create(user=user, hashed=user.password)
    keep = max(settings.PASSWORD_HISTORY, 1)
    stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


@transaction.atomic
def password_set(*, actor, user: User, password: str, must_change: bool | None = None) -> None:
    """Set a password (validated, not one of the last ones). Set by someone else, the
    user changes it at next login; every API token of the user is revoked."""
    if must_change is None:
        must_change = getattr(actor, "pk", None) != user.pk
    validate_password(password, user)
    password_history_check(user, password)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _password_recorded(user)
    own = getattr(actor, "pk", None) == user.pk
    audit_record(
        actor=actor,
        action=PASSWORD_CHANGED if own else PASSWORD_RESET,
        ledger="users",
        key=user.username,
        after={"事项": "修改密码" if own else "管理员设置密码", "须修改": must_change},
    )
    tokens_revoke_all(actor=actor, user=user, reason="修改密码")


@transaction.atomic
def password_set_by_admin_recorded(*, actor, user: User) -> None:
    """Django admin has just stored a password it set (new user, reset): the user must
    change it at next login; history, tokens and audit as for password_set."""
    user.password_changed_at = timezone.now()
    user.must_change_password = True
    User.objects.filter(pk=user.pk).update(
        password_changed_at=user.password_changed_at, must_change_password=True
    )
    _password_recorded(user)
    audit_record(
        actor=actor,
        action=PASSWORD_RESET,
        ledger="users",
        key=user.username,
        after={"事项": "管理员重置密码", "须修改": True},
    )
    tokens_revoke_all(actor=actor, user=user, reason="管理员重置密码")


# ---------------------------------------------------------------- login throttle


def client_ip(request) -> str:
    """The client's address, as the audit records it: the peer, or the client a proxy
    listed in TAIZHANG_TRUSTED_PROXIES names in X-Forwarded-For (core/source.py)."""
    return source_client_ip(request.META) or "unknown"


def _throttle_keys(username: str, source: str) -> list[tuple[str, int]]:
    return [
        (source, settings.LOGIN_MAX_FAILURES),
        (LoginThrottle.ALL_SOURCES, settings.LOGIN_MAX_FAILURES_ALL_SOURCES),
    ]


def login_wait_minutes(username: str, source: str) -> int:
    """Minutes this username must wait from this source (0: may try now)."""
    now = timezone.now()
    until = (
        LoginThrottle.objects.filter(
            username=username[:150],
            source__in=[source, LoginThrottle.ALL_SOURCES],
            locked_until__gt=now,
        )
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return 0
    return max(1, math.ceil((until - now).total_seconds() / 60))


@dataclass
class Failure:
    remaining: int  # attempts left before a wait
    wait_minutes: int  # > 0: this key now waits

    def message(self, wrong: str = "用户名或密码错误") -> str:
        if self.wait_minutes:
            return throttled_message(self.wait_minutes)
        return f"{wrong}，还可尝试 {self.remaining} 次。"


def throttled_message(minutes: int) -> str:
    return f"尝试次数过多，请 {minutes} 分钟后再试。"


def _backoff(lockouts: int) -> timedelta:
    minutes = settings.LOGIN_BACKOFF_MINUTES * 2 ** min(lockouts - 1, 30)
    return timedelta(minutes=min(minutes, settings.LOGIN_BACKOFF_MAX_MINUTES))


def login_failed(*, username: str, source: str, reason: str = "密码错误") -> Failure:
    """Count a failed attempt for (username, source) and for username from all sources,
    atomically (row locks); past a threshold the key waits, doubling each time. The
    same for unknown names as for known ones; audited either way."""
    name = username[:150]
    now = timezone.now()
    remaining, wait = [], timedelta(0)
    with transaction.atomic():
        for src, limit in _throttle_keys(name, source):
            LoginThrottle.objects.get_or_create(username=name, source=src)
            row = LoginThrottle.objects.select_for_update().get(username=name, source=src)
            if row.updated_at and now - row.updated_at > timedelta(days=1):
                row.failures = row.lockouts = 0  # a day without failures: start over
            row.failures += 1
            if row.failures >= limit:
                row.lockouts += 1
                row.failures = 0
                row.locked_until = now + _backoff(row.lockouts)
                wait = max(wait, row.locked_until - now)
            else:
                remaining.append(limit - row.failures)
            row.save()
        known = User.objects.filter(username=name).exists()
        after = {"result": reason, "source": source}
        if wait:
            after["wait_minutes"] = math.ceil(wait.total_seconds() / 60)
        audit_record(
            actor=None,
            action=AuditEntry.Action.LOGIN,
            ledger="users",
            key=name if known else _cut(name),
            after=after,
        )
    minutes = math.ceil(wait.total_seconds() / 60) if wait else 0
    return Failure(remaining=min(remaining) if remaining else 0, wait_minutes=minutes)


def _cut(name: str) -> str:
    return name if len(name) <= AUDIT_NAME_LENGTH else name[:AUDIT_NAME_LENGTH] + "…"


def login_succeeded(*, user: User, source: str = "") -> None:
    """A complete login (password and, where required, second factor): the counters of
    this source start over, and the all-sources counter too."""
    now = timezone.now()
    with transaction.atomic():
        LoginThrottle.objects.filter(username=user.username, source=source).delete()
        # Counters of names nobody has tried for a day (guessed names too) are dropped.
        LoginThrottle.objects.filter(updated_at__lt=now - timedelta(days=1)).exclude(
            locked_until__gt=now
        ).delete()
        LoginThrottle.objects.filter(
            username=user.username, source=LoginThrottle.ALL_SOURCES
        ).update(failures=0, lockouts=0, locked_until=None)
        audit_record(
            actor=user,
            action=AuditEntry.Action.LOGIN,
            ledger="users",
            key=user.username,
            after={"result": "成功", "source": source} if source else None,
        )


@transaction.atomic
def throttle_clear(*, actor, username: str) -> int:
    """A security administrator lifts every wait of a username."""
    count = LoginThrottle.objects.filter(username=username).delete()[0]
    audit_record(actor=actor, action=THROTTLE_CLEARED, ledger="users", key=username)
    return count


def logout_recorded(*, user, how: str) -> None:
    audit_record(actor=user, action=LOGOUT, ledger="users", key=user.username, after={"方式": how})


# ---------------------------------------------------------------- second factor (TOTP)


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="台账")


def _totp_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(timezone.now().timestamp()) // TOTP_STEP
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_codes_new(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 80 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=RecoveryCode.digest_of(c)) for c in codes]
    )
    return codes


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, code: str) -> list[str] | None:
    """Confirm a new secret with a code from the authenticator; returns the recovery codes
    (shown once), or None if the code is wrong."""
    step = _totp_step(secret, code.strip())
    if step is None:
        return None
    TwoFactor.objects.filter(user=user).delete()
    TwoFactor.objects.create(user=user, secret=secret, last_step=step)
    codes = _recovery_codes_new(user)
    audit_record(
        actor=user,
        action=TWO_FACTOR_ENROLLED,
        ledger="users",
        key=user.username,
        after={"恢复码": f"{len(codes)} 个"},
    )
    return codes


def two_factor_verify(*, user: User, code: str) -> bool:
    """A current code not used before (replay refused), or an unused recovery code
    (then spent)."""
    code = code.strip().replace(" ", "")
    factor = TwoFactor.objects.filter(user=user).first()
    if factor is None:
        return False
    step = _totp_step(factor.secret, code)
    if step is not None:
        # Atomic: of two requests with the same code, one moves last_step and wins.
        return (
            TwoFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step) == 1
        )
    if len(RecoveryCode.normalized(code)) != 16:
        return False
    with transaction.atomic():
        spent = RecoveryCode.objects.filter(
            user=user, digest=RecoveryCode.digest_of(code), used_at=None
        ).update(used_at=timezone.now())
        if spent != 1:
            return False
        left = RecoveryCode.objects.filter(user=user, used_at=None).count()
        audit_record(
            actor=user,
            action=RECOVERY_USED,
            ledger="users",
            key=user.username,
            after={"剩余恢复码": left},
        )
    return True


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """A new set of recovery codes; the old set no longer works."""
    codes = _recovery_codes_new(user)
    audit_record(actor=user, action=RECOVERY_REGENERATED, ledger="users", key=user.username)
    return codes


def recovery_codes_valid(*, user: User, codes: list[str]) -> bool:
    """Every code is an unused recovery code of the user (for the .txt download)."""
    if not codes or len(codes) > RECOVERY_CODES:
        return False
    digests = {RecoveryCode.digest_of(c) for c in codes}
    found = RecoveryCode.objects.filter(user=user, used_at=None, digest__in=digests).count()
    return found == len(digests)


@transaction.atomic
def two_factor_reset(*, actor, user: User) -> None:
    """A security (or system) administrator removes a user's second factor: the user
    enrols again at next login."""
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(actor=actor, action=TWO_FACTOR_RESET, ledger="users", key=user.username)


# ---------------------------------------------------------------- API tokens


def token_create(*, actor, user: User, name: str = "", days: int | None = None) -> str:
    """A new API token; only its digest is kept, so it is shown this once."""
    token = secrets.token_urlsafe(32)
    days = settings.TOKEN_DAYS if days is None else days
    expires = timezone.now() + timedelta(days=days) if days > 0 else None
    with transaction.atomic():
        created = ApiToken.objects.create(
            user=user, name=name[:64], digest=ApiToken.digest_of(token), expires_at=expires
        )
        audit_record(
            actor=actor,
            action=TOKEN_CREATED,
            ledger="tokens",
            key=user.username,
            after={
                "事项": "签发 API 令牌",
                "令牌编号": created.pk,
                "名称": created.name,
                "到期": expires.isoformat() if expires else "不过期",
            },
        )
    return token


def token_user(token: str) -> User | None:
    now = timezone.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), user__is_active=True, revoked_at=None)
        .first()
    )
    if found is None or (found.expires_at is not None and found.expires_at <= now):
        return None
    # Renewed (and its use audited) at most once a minute, like the session.
    if found.last_used_at is None or now - found.last_used_at > timedelta(seconds=60):
        with transaction.atomic():
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            audit_record(
                actor=found.user,
                action=TOKEN_USED,
                ledger="tokens",
                key=found.user.username,
                after={"令牌编号": found.pk, "名称": found.name},
            )
    return found.user


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str = "手动吊销") -> bool:
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            actor=actor,
            action=TOKEN_REVOKED,
            ledger="tokens",
            key=token.user.username,
            after={"令牌编号": token.pk, "名称": token.name, "原因": reason},
        )
    return bool(revoked)


def tokens_revoke_all(*, actor, user: User, reason: str) -> int:
    """Revoke every token of the user, and tell other apps to revoke theirs (the
    calendar feed of the dispatch app)."""
    from .signals import credentials_revoked

    count = 0
    for token in ApiToken.objects.filter(user=user, revoked_at=None).select_related("user"):
        count += token_revoke(actor=actor, token=token, reason=reason)
    credentials_revoked.send(sender=User, user=user, actor=actor, reason=reason)
    return count
