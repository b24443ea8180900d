"""One demo login per role (DESIGN.md, Roles), with fixed passwords so that running the
demo twice changes nothing."""

from taizhang.shell.demo import DemoContext, demo_logins, demo_step

from .models import Grant, Role, User
from .services import user_create

# (username, password, role, organization code)
DEMO_LOGINS = [
    ("admin", "Qsh2023admin", "admin", "QSH"),
    ("office", "Qsh2023office", "office", "QSH"),
    ("leader", "Qsh2023leader", "leader", "QSH"),
    ("orgadmin", "Qsh2023orgadmin", "org_admin", "QSH-01"),
    ("inspector", "Qsh2023dudao", "inspector", "QSH"),  # not like the username
    ("member", "Qsh2023member", "member", "QSH-01-Z01-01"),
    ("security", "Qsh2023anquan", "security", "QSH"),  # 三员分立: 安全管理员
    ("auditor", "Qsh2023shenji", "auditor", "QSH"),  # 三员分立: 安全审计员
]
demo_logins[:] = [(u, p, Role(r).label, org) for u, p, r, org in DEMO_LOGINS]


@demo_step(order=95)
def logins(demo: DemoContext) -> dict:
    logins_ensure()
    return {}


def logins_ensure() -> None:
    from taizhang.orgs.models import Organization, Person

    for username, password, role, code in DEMO_LOGINS:
        org = Organization.objects.get(code=code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=password,
                role=role,
                org=org,
                display_name=f"{Role(role).label}（{org.name}）",
            )
        elif not Grant.objects.filter(user=user, role=role, org=org).exists():
            Grant.objects.create(user=user, role=role, org=org)
        if role in ("leader", "member") and user.person_id is None:
            prefix = "L" if role == "leader" else "M"
            person = (
                Person.objects.filter(code__startswith=prefix, org__path__startswith=org.path)
                .order_by("code")
                .first()
            )
            if person is not None:
                User.objects.filter(pk=user.pk).update(person=person, display_name=person.name)
