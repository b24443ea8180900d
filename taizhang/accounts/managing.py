"""Managing accounts without Django admin: who may manage whom, and the audited writes
of the 用户管理 pages (create, disable, enable, unlock, grants, password reset).

Rules:
- a manager holds the admin or the office role over some organization; they see the
  users holding a grant inside those subtrees (admin over the root: every user);
- an office user grants, inside their office subtree(s), only the roles leader,
  org_admin, inspector and member; only an admin grants admin and office (and, outside
  their own account, security and auditor) — separation of duties (三员分立) holds;
- a user is managed (disabled, enabled, unlocked, reset) only by a manager who could
  have given every one of their grants; nobody manages their own account here;
- the password of a security administrator or an auditor is never reset here (the
  system administrator would then act as them): `taizhang password` on the server."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from taizhang.core.audit import action_register, audit_insert, audit_record, new_batch
from taizhang.core.masking import mask_value
from taizhang.core.scope import path_is_root, scope_for, subtree_q

from .models import EXCLUSIVE_ROLES, Grant, LoginThrottle, PasswordHistory, Role, User
from .onetime import delivery_new, derive_password, generated_hash, new_key
from .services import PASSWORD_RESET, tokens_revoke_all

USER_CREATED = "accounts.user.created"
USER_DISABLED = "accounts.user.disabled"
USER_ENABLED = "accounts.user.enabled"
USER_UNLOCKED = "accounts.user.unlocked"
GRANT_ADDED = "accounts.grant.added"
GRANT_REMOVED = "accounts.grant.removed"
GRANTS_EXPORTED = "accounts.grants.exported"

for _code, _label in {
    USER_CREATED: "创建用户",
    USER_DISABLED: "停用用户",
    USER_ENABLED: "启用用户",
    USER_UNLOCKED: "解除用户登录限制",
    GRANT_ADDED: "增加授权",
    GRANT_REMOVED: "移除授权",
    GRANTS_EXPORTED: "导出授权名单",
}.items():
    action_register(_code, _label)

MANAGER_ROLES = frozenset({Role.ADMIN, Role.OFFICE})
OFFICE_GRANTS = (Role.LEADER, Role.ORG_ADMIN, Role.INSPECTOR, Role.MEMBER)
SELF_FORBIDDEN = {Role.SECURITY, Role.AUDITOR}


class Refused(Exception):
    """A management step refused; the message is for the user, in Chinese. `field`:
    what it is about ("role" or "org"), for an import's per-cell problems."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def is_manager(user) -> bool:
    return scope_for(user).holds(MANAGER_ROLES)


def roles_grantable(actor, org) -> list[str]:
    """The roles `actor` may grant over `org` (an organization on the tree)."""
    if org is None or org.archived_at is not None:
        return []
    scope = scope_for(actor)
    if scope.covers(org.path, {Role.ADMIN}):
        return list(Role.values)
    if scope.covers(org.path, {Role.OFFICE}):
        return [r.value for r in OFFICE_GRANTS]
    return []


def managed_q(actor, lookup: str = "org__path") -> Q | None:
    """Grants inside the subtrees `actor` holds as admin/office (None: every grant)."""
    paths = scope_for(actor).paths(MANAGER_ROLES)
    if any(path_is_root(p) for p in paths):
        return None
    query = Q(pk__in=[])
    for path in paths:
        query |= subtree_q(lookup, path)
    return query


def people_linkable(actor, *, linked_too: bool = False):
    """The people an account created by `actor` may belong to: live, inside a subtree
    `actor` holds as admin/office (a person gives the account their receipts and their
    work groups' reports, so reading them is not enough), and not yet any other
    account's (unless `linked_too`)."""
    from taizhang.orgs.models import Person

    people = scope_for(actor).filter(
        Person.objects.filter(archived_at=None), "scope_path", MANAGER_ROLES
    )
    if linked_too:  # the caller checks who holds them (an import names their accounts)
        return people
    return people.exclude(pk__in=User.objects.filter(person_id__isnull=False).values("person_id"))


def users_managed(actor):
    """The users `actor` sees on the 用户管理 pages."""
    if not is_manager(actor):
        return User.objects.none()
    query = managed_q(actor)
    if query is None:
        return User.objects.all()
    return User.objects.filter(pk__in=Grant.objects.filter(query).values("user_id"))


def grants_managed(actor):
    """The grants inside the subtrees `actor` holds as admin/office."""
    if not is_manager(actor):
        return Grant.objects.none()
    query = managed_q(actor)
    grants = Grant.objects.all() if query is None else Grant.objects.filter(query)
    return grants.select_related("user", "org")


def _grant_words(grant) -> str:
    return f"{Role(grant.role).label}·{grant.org.name}"


def check_manageable(actor, user) -> None:
    """Refused unless `actor` may disable, enable, unlock or reset `user`."""
    if user.pk == actor.pk:
        raise Refused("不能在此管理自己的账号；修改自己的密码请到“账号安全”。")
    grants = list(user.grants.select_related("org"))
    if not grants and not actor.is_system_admin:
        raise Refused("该账号没有任何授权，只有系统管理员可以管理。")
    beyond = [g for g in grants if g.role not in roles_grantable(actor, g.org)]
    if beyond:
        words = "、".join(_grant_words(g) for g in beyond)
        raise Refused(f"该账号还有您无权管理的授权（{words}），请由上级管理员处理。")


def check_grant(actor, user, role: str, org) -> None:
    """Refused unless `actor` may give `user` this grant."""
    if role not in Role.values:
        raise Refused(f"未知角色“{role}”。", "role")
    if org is None or org.archived_at is not None:
        raise Refused("组织不存在或已归档。", "org")
    if role not in roles_grantable(actor, org):
        if not roles_grantable(actor, org):
            raise Refused(f"组织“{org.code}”不存在或不在您的管理范围内。", "org")
        raise Refused(f"您不能授予“{Role(role).label}”角色（只有系统管理员可以授予）。", "role")
    if user is not None and user.pk == actor.pk:
        raise Refused("不能为自己增加授权。")
    held = set(user.grants.values_list("role", flat=True)) if user is not None else set()
    exclusive = (held | {role}) & EXCLUSIVE_ROLES
    if len(exclusive) > 1:
        labels = "、".join(Role(r).label for r in sorted(exclusive))
        raise Refused(
            f"三员分立：同一账号不能同时担任系统管理员、安全管理员、安全审计员中的两个（{labels}）。",
            "role",
        )


# ---------------------------------------------------------------- creating accounts


def accounts_create(*, actor, specs: list[dict], purpose: str, via_file: str = ""):
    """Create accounts, each with its first grants, and their generated passwords (set
    as hashes only; every one must be changed at first login). `specs`: dicts of
    username, display_name, person (or None), mobile, grants [(role, org)]; checked by
    the caller. Returns (delivery token, key): the one-time password file."""
    now = timezone.now()
    token, key = uuid.uuid4().hex, new_key()
    users = []
    for spec in specs:
        user = User(
            username=spec["username"],
            display_name=spec["display_name"],
            person=spec.get("person"),
            mobile=spec.get("mobile", ""),
            is_staff=False,
            is_superuser=False,
            must_change_password=True,
            password_changed_at=now,
            date_joined=now,
        )
        user.password = generated_hash(derive_password(key, token, user.username))
        users.append(user)
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=500)
        if any(u.pk is None for u in users):  # a database that returns no ids
            ids = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list(
                    "username", "pk"
                )
            )
            for user in users:
                user.pk = user.id = ids[user.username]
        PasswordHistory.objects.bulk_create(
            [PasswordHistory(user=u, hashed=u.password) for u in users], batch_size=500
        )
        grants = [
            Grant(user=u, role=role, org=org)
            for u, spec in zip(users, specs, strict=True)
            for role, org in spec["grants"]
        ]
        Grant.objects.bulk_create(grants, batch_size=500)
        changes = [
            (
                u.username,
                None,
                {
                    "姓名": u.display_name,
                    "人员编号": spec["person"].code if spec.get("person") else "",
                    # Personal data: the audit (read by auditors) keeps it masked.
                    "手机号码": mask_value("mobile", u.mobile) if u.mobile else "",
                    "授权": [f"{Role(r).label}@{o.code}" for r, o in spec["grants"]],
                    "首次登录须修改密码": True,
                    **({"导入文件": via_file} if via_file else {}),
                },
            )
            for u, spec in zip(users, specs, strict=True)
        ]
        audit_insert(
            actor=actor, action=USER_CREATED, ledger="users", changes=changes, batch=new_batch()
        )
        delivery_new(
            actor=actor,
            purpose=purpose,
            token=token,
            key=key,
            accounts=[
                [u.pk, u.username, u.display_name, _orgs_words(spec["grants"])]
                for u, spec in zip(users, specs, strict=True)
            ],
        )
    return token, key


def _orgs_words(grants) -> str:
    return "；".join(dict.fromkeys(f"{o.code} {o.name}" for _, o in grants))


def grants_add_bulk(*, actor, additions: list[tuple], via_file: str = "") -> None:
    """(user, role, org) grants for existing users, checked by the caller; audited."""
    if not additions:
        return
    Grant.objects.bulk_create([Grant(user=u, role=r, org=o) for u, r, o in additions])
    audit_insert(
        actor=actor,
        action=GRANT_ADDED,
        ledger="users",
        changes=[
            (
                u.username,
                None,
                {
                    "角色": Role(r).label,
                    "组织": o.code,
                    **({"导入文件": via_file} if via_file else {}),
                },
            )
            for u, r, o in additions
        ],
        batch=new_batch(),
    )


def user_new(*, actor, username: str, display_name: str, role: str, org, person=None, mobile=""):
    """One account from the 新建用户 form: (user, delivery token, key)."""
    username = username.strip()
    check_grant(actor, None, role, org)
    candidate = User(username=username, display_name=display_name)
    try:
        candidate.full_clean(exclude=["password"])
    except ValidationError as error:
        raise Refused("；".join(error.messages)) from None
    if User.objects.filter(username=username).exists():
        raise Refused(f"用户名“{username}”已被使用，请换一个。")
    token, key = accounts_create(
        actor=actor,
        specs=[
            {
                "username": username,
                "display_name": display_name,
                "person": person,
                "mobile": mobile,
                "grants": [(role, org)],
            }
        ],
        purpose="新建用户",
    )
    return User.objects.get(username=username), token, key


# ---------------------------------------------------------------- one account


@transaction.atomic
def user_disable(*, actor, user: User) -> None:
    check_manageable(actor, user)
    if not user.is_active:
        raise Refused("该账号已是停用状态。")
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    audit_record(actor=actor, action=USER_DISABLED, ledger="users", key=user.username)
    tokens_revoke_all(actor=actor, user=user, reason="停用账号")


@transaction.atomic
def user_enable(*, actor, user: User) -> None:
    check_manageable(actor, user)
    if user.is_active:
        raise Refused("该账号已是启用状态。")
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    audit_record(actor=actor, action=USER_ENABLED, ledger="users", key=user.username)


def login_locked(user: User) -> bool:
    return LoginThrottle.objects.filter(
        username=user.username, locked_until__gt=timezone.now()
    ).exists()


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """Lift every wait of the user's login throttle (and forget the failures)."""
    check_manageable(actor, user)
    count = LoginThrottle.objects.filter(username=user.username).delete()[0]
    audit_record(
        actor=actor,
        action=USER_UNLOCKED,
        ledger="users",
        key=user.username,
        after={"限制记录": count},
    )
    return count


def password_reset(*, actor, user: User) -> tuple[str, str]:
    """A new generated password, delivered once as a file; the user changes it at the
    next login, and every API token of theirs is revoked. (delivery token, key)."""
    check_manageable(actor, user)
    if user.grants.filter(role__in=SELF_FORBIDDEN).exists():
        raise Refused(
            "三员分立：安全管理员、安全审计员的密码不能由管理员重置，"
            "请由运维人员在服务器上执行 taizhang password 用户名。"
        )
    token, key = uuid.uuid4().hex, new_key()
    with transaction.atomic():
        user.password = generated_hash(derive_password(key, token, user.username))
        user.password_changed_at = timezone.now()
        user.must_change_password = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        PasswordHistory.objects.create(user=user, hashed=user.password)
        audit_record(
            actor=actor,
            action=PASSWORD_RESET,
            ledger="users",
            key=user.username,
            after={"事项": "管理员重置密码（系统生成，一次性下发）", "须修改": True},
        )
        tokens_revoke_all(actor=actor, user=user, reason="管理员重置密码")
        grants = [(g.role, g.org) for g in user.grants.select_related("org")]
        delivery_new(
            actor=actor,
            purpose="重置密码",
            token=token,
            key=key,
            accounts=[[user.pk, user.username, user.display_name, _orgs_words(grants)]],
        )
    return token, key


@transaction.atomic
def grant_add(*, actor, user: User, role: str, org) -> Grant:
    User.objects.select_for_update().filter(pk=user.pk).first()  # one grant write at a time
    check_grant(actor, user, role, org)
    if Grant.objects.filter(user=user, role=role, org=org).exists():
        raise Refused("该账号已有这项授权。")
    grant = Grant.objects.create(user=user, role=role, org=org)
    audit_record(
        actor=actor,
        action=GRANT_ADDED,
        ledger="users",
        key=user.username,
        after={"角色": Role(role).label, "组织": org.code},
    )
    return grant


@transaction.atomic
def grant_remove(*, actor, grant: Grant) -> None:
    user = grant.user
    User.objects.select_for_update().filter(pk=user.pk).first()
    if user.pk == actor.pk:
        raise Refused("不能移除自己的授权。")
    if grant.role not in roles_grantable(actor, grant.org):
        raise Refused(f"您无权移除这项授权（{_grant_words(grant)}）。")
    if not Grant.objects.filter(user=user).exclude(pk=grant.pk).exists():
        raise Refused("这是该账号唯一的授权，不能移除；如不再使用，请停用账号。")
    before = {"角色": Role(grant.role).label, "组织": grant.org.code}
    grant.delete()
    audit_record(
        actor=actor, action=GRANT_REMOVED, ledger="users", key=user.username, before=before
    )


def grants_export_recorded(*, actor, org_code: str, role: str, count: int) -> None:
    audit_record(
        actor=actor,
        action=GRANTS_EXPORTED,
        ledger="users",
        key=org_code or "全部",
        after={"组织": org_code or "全部", "角色": role or "全部", "条数": count},
    )
