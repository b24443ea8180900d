"""Generated passwords and their one-time delivery.

A batch of generated passwords (an import, a new user, a reset) is derived from a random
256-bit key: password = f(HMAC-SHA256(key, delivery token + username)). The key is handed
to the creator's page once and never stored; the server keeps only its SHA-256 (in
PasswordDelivery) and the password hashes. Downloading the file sends the key back: the
server checks it, marks the delivery downloaded (atomically: one download only) and
derives the passwords again to write the file. A stolen database yields no initial
password, and a second download is refused."""

import hashlib
import hmac
import io
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taizhang.core.audit import action_register, audit_record
from taizhang.core.spreadsheet import SheetWriter

from .models import PasswordDelivery, User

PASSWORD_FILE_DOWNLOADED = "accounts.password_file.downloaded"
action_register(PASSWORD_FILE_DOWNLOADED, "下载初始密码文件")

# No 0/O, 1/l/I: read off a printed sheet without mistakes.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnopqrstuvwxyz"
_DIGITS = "23456789"
_ALPHABET = _UPPER + _LOWER + _DIGITS
GENERATED_LENGTH = 14  # 14 characters of 57: 81 bits
# A generated password is random (81 bits), so it needs no key stretching; 2,000
# PBKDF2 rounds instead of Django's 1,000,000 make 1,000 accounts a matter of seconds,
# not of twelve minutes. Django re-hashes it with its full rounds at the first login,
# where it is also replaced by the user's own (must_change_password).
GENERATED_ROUNDS = 2000


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def derive_password(key: str, token: str, username: str) -> str:
    """The password of `username` in delivery `token`: 14 characters of upper- and
    lower-case letters and digits, each class present, not refused by the policy."""
    counter = 0
    while True:
        stream = b""
        block = 0
        while len(stream) < 64:
            message = f"{token}\x00{username}\x00{counter}\x00{block}".encode()
            stream += hmac.new(key.encode(), message, hashlib.sha256).digest()
            block += 1
        limit = 256 - 256 % len(_ALPHABET)  # no modulo bias
        chars = [_ALPHABET[b % len(_ALPHABET)] for b in stream if b < limit][:GENERATED_LENGTH]
        password = "".join(chars)
        if (
            len(password) == GENERATED_LENGTH
            and any(c in _UPPER for c in password)
            and any(c in _LOWER for c in password)
            and any(c in string.digits for c in password)
        ):
            try:
                validate_password(password, User(username=username))
                return password
            except ValidationError:
                pass
        counter += 1


def generated_hash(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=GENERATED_ROUNDS)
    return make_password(password, hasher=hasher)


def delivery_new(*, actor, purpose: str, token: str, key: str, accounts: list) -> PasswordDelivery:
    """Record a batch whose passwords (derived from `key`) have just been set."""
    return PasswordDelivery.objects.create(
        token=token,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
        purpose=purpose,
        key_digest=key_digest(key),
        accounts=accounts,
    )


class DeliveryRefused(Exception):
    """Why the file is not given (again); the message is for the user, in Chinese."""


def delivery_minutes() -> int:
    return settings.PASSWORD_FILE_MINUTES


def delivery_take(*, actor, token: str, key: str) -> tuple[PasswordDelivery, bytes]:
    """The password file, once: (delivery, xlsx bytes). DeliveryRefused otherwise."""
    with transaction.atomic():
        delivery = (
            PasswordDelivery.objects.select_for_update()
            .filter(token=token, created_by=getattr(actor, "pk", None) or -1)
            .first()
        )
        if delivery is None or not hmac.compare_digest(delivery.key_digest, key_digest(key)):
            raise DeliveryRefused("找不到该密码文件。")
        if delivery.downloaded_at is not None:
            at = timezone.localtime(delivery.downloaded_at).strftime("%Y-%m-%d %H:%M")
            raise DeliveryRefused(
                f"该初始密码文件已于 {at} 下载过，初始密码只提供一次，不会再次显示。"
                "如有遗失，请为相应账号重置密码。"
            )
        if timezone.now() - delivery.created_at > timedelta(minutes=delivery_minutes()):
            raise DeliveryRefused(
                f"该初始密码文件已过期（生成后 {delivery_minutes()} 分钟内可下载一次），"
                "请为相应账号重置密码。"
            )
        delivery.downloaded_at = timezone.now()
        delivery.save(update_fields=["downloaded_at"])
        audit_record(
            actor=actor,
            action=PASSWORD_FILE_DOWNLOADED,
            ledger="users",
            key=delivery.token,
            after={"事由": delivery.purpose, "账号数": len(delivery.accounts)},
        )
    return delivery, _password_file(delivery, key)


def _password_file(delivery: PasswordDelivery, key: str) -> bytes:
    changed = dict(
        User.objects.filter(pk__in=[a[0] for a in delivery.accounts]).values_list(
            "pk", "password_changed_at"
        )
    )
    buffer = io.BytesIO()
    writer = SheetWriter(buffer, "初始密码")
    writer.write_row(["用户名", "姓名", "初始密码", "组织", "说明"], header=True)
    for col, width in enumerate((16, 12, 20, 36, 30)):
        writer.sheet.set_column(col, col, width)
    for pk, username, name, org in delivery.accounts:
        at = changed.get(pk)
        if at is None or at > delivery.created_at:
            note, password = "密码已被修改或账号已不存在，此密码无效", ""
        else:
            note, password = "首次登录须修改密码", derive_password(key, delivery.token, username)
        writer.write_row([username, name, password, org, note])
    writer.close()
    return buffer.getvalue()
