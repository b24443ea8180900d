"""The scope contract, for every registered ledger × every endpoint × every kind of user.

Nothing here names a ledger: a ledger is covered by being registered (and declaring
`example_row`). Expected outcomes come from an oracle written independently of the
engine — grants as (role, organization code), "under" by code — and from each ledger's
declared read and write roles.

Users (conftest district: QSH ⊃ QSH-A ⊃ QSH-A-1, QSH-A-2; QSH ⊃ QSH-B ⊃ QSH-B-1):
writer (org_admin@QSH-A), sibling (org_admin@QSH-B), reader (inspector@QSH: reads from
the parent only), member (member@QSH-A-1), and two users holding two grants of
different roles: org_admin@QSH-A + inspector@QSH, org_admin@QSH-A + member@QSH-B."""

import io
from dataclasses import dataclass

import pytest
from django.urls import reverse

from conftest import PASSWORD, xlsx_bytes
from taizhang.accounts.services import grant_add, user_create
from taizhang.core.access import rows_for_read
from taizhang.core.examples import Example, example_write
from taizhang.core.figures import figure_registry
from taizhang.core.ledger import registry
from taizhang.core.ledger_write import ledger_archive
from taizhang.core.models import AuditEntry
from taizhang.core.scope import Scope

USERS = {
    "writer": [("org_admin", "QSH-A")],
    "sibling": [("org_admin", "QSH-B")],
    "reader": [("inspector", "QSH")],
    "member": [("member", "QSH-A-1")],
    "writer_and_reader": [("org_admin", "QSH-A"), ("inspector", "QSH")],
    "writer_and_member": [("org_admin", "QSH-A"), ("member", "QSH-B")],
}
HERE, THERE = "QSH-A-1", "QSH-B-1"  # where the two rows of each ledger live


def _under(code: str, granted: str) -> bool:
    return code == granted or code.startswith(granted + "-")


@dataclass
class Oracle:
    """What a user may do with a ledger, from their grants and its declaration only."""

    grants: list[tuple[str, str]]
    ledger: object

    def _holds(self, roles, org: str | None) -> bool:
        for role, granted in self.grants:
            if role not in roles:
                continue
            if org is None:  # a district-wide list: read by any reader, written at the root
                if roles is self.ledger.read_roles or granted == "QSH":
                    return True
            elif _under(org, granted):
                return True
        return False

    def org_of(self, org: str) -> str | None:
        return None if self.ledger.scope_path is None else org

    def reads_ledger(self) -> bool:
        return any(role in self.ledger.read_roles for role, _ in self.grants)

    def writes_ledger(self) -> bool:
        return any(role in self.ledger.write_roles for role, _ in self.grants)

    def reads(self, org: str) -> bool:
        return self._holds(self.ledger.read_roles, self.org_of(org))

    def writes(self, org: str) -> bool:
        return self._holds(self.ledger.write_roles, self.org_of(org))

    def row_status(self, org: str, *, write: bool) -> int:
        """A row's page: 403 ledger refused, 404 outside read scope, 403 read-only."""
        if not self.reads_ledger():
            return 403
        if not self.reads(org):
            return 404
        if write and not self.writes(org):
            return 403
        return 200


def _contract_ledgers():
    return list(registry)


@pytest.fixture
def contract(district, users):
    """Two rows of the ledger under test (one here, one there) and the contract users."""
    made = {}
    for name, grants in USERS.items():
        (role, org), *more = grants
        user = user_create(
            actor=None, username=f"c-{name}", password=PASSWORD, role=role, org=district.orgs[org]
        )
        for role, org in more:
            grant_add(actor=None, user=user, role=role, org=district.orgs[org])
        made[name] = user
    return made


def _rows(ledger_name):
    return example_write(ledger_name, HERE), example_write(ledger_name, THERE)


def _edit_raw(ledger, key: str, org: str) -> dict:
    """A change of the row `key`: another example's values under the same key and org."""
    raw = ledger.example_row(Example(org=org))
    raw[ledger.key.field] = key
    return raw


def _audited(ledger, key, user, action) -> bool:
    return AuditEntry.objects.filter(
        ledger=ledger.name, object_key=key, actor=user, action=action
    ).exists()


def _archived(ledger, key) -> bool:
    return ledger.model.objects.get(**{ledger.key.attr: key}).archived_at is not None


def _check(label, got, expected):
    assert got == expected, f"{label}: got {got}, expected {expected}"


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("ledger_name", _contract_ledgers())
def test_reads_follow_the_roles_and_subtrees_granted(client, contract, ledger_name, user_name):
    ledger, user = registry[ledger_name], contract[user_name]
    oracle = Oracle(USERS[user_name], ledger)
    rows = dict(zip((HERE, THERE), _rows(ledger_name), strict=True))
    client.force_login(user)
    listed = 200 if oracle.reads_ledger() else 403
    for label, url in (
        ("list page", reverse("ledger-list", args=[ledger.name])),
        ("export", reverse("ledger-export", args=[ledger.name])),
        ("print", reverse("ledger-print", args=[ledger.name])),
        ("template", reverse("ledger-template", args=[ledger.name])),
        ("API list", f"/api/v1/{ledger.name}/?page_size=500"),
    ):
        _check(f"{user_name} {label}", client.get(url).status_code, listed)
    for org, key in rows.items():
        where = f"{user_name} {ledger.name} row in {org}"
        status = oracle.row_status(org, write=False)
        _check(
            f"{where} detail",
            client.get(reverse("ledger-detail", args=[ledger.name, key])).status_code,
            status,
        )
        _check(
            f"{where} API detail", client.get(f"/api/v1/{ledger.name}/{key}").status_code, status
        )
        if listed == 200:
            page = client.get(
                reverse("ledger-list", args=[ledger.name]), {"q": key, "page_size": 200}
            )
            link = reverse("ledger-detail", args=[ledger.name, key])
            _check(f"{where} on the list page", link in page.content.decode(), oracle.reads(org))
            if ledger.scope_path is not None:
                # The org tree lists a node's children only where the user reads the ledger.
                parent = org.rsplit("-", 1)[0]
                nodes = client.get(reverse("ledger-tree", args=[ledger.name]), {"parent": parent})
                _check(
                    f"{where} in the org tree",
                    f'title="{org}"' in nodes.content.decode(),
                    oracle.reads(parent),
                )
            printed = client.get(reverse("ledger-print", args=[ledger.name]), {"q": key})
            _check(
                f"{where} on the print page", link in printed.content.decode(), oracle.reads(org)
            )
            api = client.get(f"/api/v1/{ledger.name}/", {"q": key, "page_size": 500}).json()
            keys = {item[ledger.key.field] for item in api["items"]}
            _check(f"{where} in the API list", key in keys, oracle.reads(org))
    # A row's own pages (an app's related links: a checklist, a report form, a code)
    # open through the same door: refused with the ledger, 404 outside read scope; a
    # page for writers may refuse a reader (403), never a writer.
    for org, key in rows.items():
        obj = ledger.model.objects.get(**{ledger.key.attr: key})
        for label, url in ledger.related_links(obj):
            if "?" in url:
                continue  # a filtered list: it shows only readable rows (checked above)
            got = client.get(url).status_code
            expected = oracle.row_status(org, write=False)
            if expected == 200 and not oracle.writes(org):
                assert got in (200, 403), f"{user_name} {label} of {key}: got {got}"
            elif not oracle.reads_ledger():  # refused either way, nothing revealed
                assert got in (403, 404), f"{user_name} {label} of {key}: got {got}"
            else:
                _check(f"{user_name} {label} of {key} in {org}", got, expected)
    # Figures and their drill-down count only what the user reads.
    for figure in (f for f in figure_registry.values() if f.ledger == ledger.name):
        url = reverse("ledger-list", args=[ledger.name])
        response = client.get(url, {"figure": figure.key, "page_size": 200})
        _check(f"{user_name} drill-down {figure.key}", response.status_code, listed)
        if listed == 200:
            expected = figure.rows(_window(user)).count()
            assert f"共 {expected} 条" in response.content.decode(), figure.key
        if figure.page:  # its own page shows the same number, to the same readers
            window = _window(user)
            page = client.get(reverse(figure.page))
            if listed == 200 and page.status_code == 200:
                count = figure.counted(window, figure.rows(window))
                assert f"共 {count} {figure.unit}" in page.content.decode(), figure.key
    # Attachments are served through the row's read door.
    for column in (c for c in ledger.columns if c.kind.name == "file"):
        for org, key in rows.items():
            _attach(ledger, column, key)
            url = reverse("ledger-file", args=[ledger.name, key, column.field])
            _check(
                f"{user_name} {ledger.name} attachment in {org}",
                client.get(url).status_code,
                oracle.row_status(org, write=False),
            )
    stats = client.get("/api/v1/stats")
    if stats.status_code == 200:
        shown = {f"{g}.{k}" for g, figures in stats.json().items() for k in figures}
        for figure in (f for f in figure_registry.values() if f.ledger == ledger.name):
            _check(f"{user_name} stats shows {figure.key}", figure.key in shown, listed == 200)
    else:
        _check(f"{user_name} stats", stats.status_code, 403)


def _attach(ledger, column, key):
    """Give the row an attachment, as the operator."""
    from taizhang.core.attachments import attachment_store
    from taizhang.core.ledger_write import ledger_write

    suffix = column.accept[0]
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"0" * 16 + b"\xff\xd9"
    content = {
        ".pdf": b"%PDF-1.4\n%%EOF\n",
        ".png": b"\x89PNG\r\n\x1a\n0000",
        ".jpg": jpeg,
        ".jpeg": jpeg,
    }.get(suffix)
    if suffix == ".docx":  # read by the ledger (its text is taken): a real Word file
        import io

        import docx

        buffer = io.BytesIO()
        document = docx.Document()
        document.add_paragraph("附件正文")
        document.save(buffer)
        content = buffer.getvalue()
    stored = attachment_store(
        ledger=ledger, column=column, actor=None, name=f"证明{suffix}", content=content
    )
    outcome = ledger_write(
        ledger=ledger, actor=None, rows=[(None, {ledger.key.field: key, column.field: stored.key})]
    )
    assert outcome.ok, [p.line() for p in outcome.problems]


def _window(user):
    from taizhang.core.figures import window_for
    from taizhang.core.scope import scope_for

    return window_for(scope_for(user))


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("ledger_name", _contract_ledgers())
def test_writes_need_a_write_role_over_the_row(client, contract, ledger_name, user_name):
    ledger, user = registry[ledger_name], contract[user_name]
    oracle = Oracle(USERS[user_name], ledger)
    client.force_login(user)
    may = oracle.writes_ledger()
    _check(
        f"{user_name} new form",
        client.get(reverse("ledger-create", args=[ledger.name])).status_code,
        200 if may else 403,
    )
    for org, key in zip((HERE, THERE), _rows(ledger_name), strict=True):
        where = f"{user_name} {ledger.name} row in {org}"
        status = 403 if not may else oracle.row_status(org, write=True)
        edit = reverse("ledger-edit", args=[ledger.name, key])
        _check(f"{where} edit form", client.get(edit).status_code, status)
        # The form: a change of the row.
        response = client.post(edit, _form(ledger, _edit_raw(ledger, key, org), editing=True))
        _check(f"{where} form saved", response.status_code, 302 if status == 200 else status)
        _check(f"{where} form audited", _audited(ledger, key, user, "update"), status == 200)
        # The API: PATCH, then DELETE (archive).
        patch = _api_body(ledger, _edit_raw(ledger, key, org))
        response = client.patch(
            f"/api/v1/{ledger.name}/{key}", patch, content_type="application/json"
        )
        _check(f"{where} API PATCH", response.status_code, status)
        response = client.delete(f"/api/v1/{ledger.name}/{key}")
        _check(f"{where} API DELETE", response.status_code, status)
        _check(f"{where} archived by API", _archived(ledger, key), status == 200)
        if not _archived(ledger, key):
            ledger_archive(
                ledger=ledger, actor=None, obj=ledger.model.objects.get(**{ledger.key.attr: key})
            )
        # Restore on the page, then archive on the page.
        archive = reverse("ledger-archive", args=[ledger.name, key])
        response = client.post(archive, {"restore": "1"})
        _check(f"{where} restore", response.status_code, 302 if status == 200 else status)
        _check(f"{where} restored", not _archived(ledger, key), status == 200)
        if _archived(ledger, key):
            ledger_archive(
                ledger=ledger,
                actor=None,
                obj=ledger.model.objects.get(**{ledger.key.attr: key}),
                restore=True,
            )
        response = client.post(archive)
        _check(f"{where} archive", response.status_code, 302 if status == 200 else status)
        _check(f"{where} archived", _archived(ledger, key), status == 200)
        # The list page's batch archive of this one row: refused as a whole (400) where
        # the row is read-only, not even counted (200, nothing to do) outside read scope.
        if _archived(ledger, key):
            ledger_archive(
                ledger=ledger,
                actor=None,
                obj=ledger.model.objects.get(**{ledger.key.attr: key}),
                restore=True,
            )
        batch = reverse("ledger-batch", args=[ledger.name])
        response = client.post(batch, {"action": "archive", "keys": [key], "confirm": "1"})
        expected = {200: 302, 403: 400, 404: 200}[status] if may else 403
        _check(f"{where} batch archive", response.status_code, expected)
        _check(f"{where} archived in a batch", _archived(ledger, key), status == 200)


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("ledger_name", _contract_ledgers())
def test_creating_and_importing_need_a_write_role_where_the_row_goes(
    client, contract, ledger_name, user_name
):
    ledger, user = registry[ledger_name], contract[user_name]
    oracle = Oracle(USERS[user_name], ledger)
    client.force_login(user)
    may = oracle.writes_ledger()
    for org in (HERE, THERE):
        where = f"{user_name} {ledger.name} new row in {org}"
        allowed = may and oracle.writes(org)
        # Form
        raw = ledger.example_row(Example(org=org))
        key = ledger.key.parse(raw[ledger.key.field])
        response = client.post(reverse("ledger-create", args=[ledger.name]), _form(ledger, raw))
        _check(f"{where} form", response.status_code, 302 if allowed else (200 if may else 403))
        _check(f"{where} form wrote", _exists(ledger, key), allowed)
        # API
        raw = ledger.example_row(Example(org=org))
        key = ledger.key.parse(raw[ledger.key.field])
        response = client.post(
            f"/api/v1/{ledger.name}/", _api_body(ledger, raw), content_type="application/json"
        )
        _check(f"{where} API POST", response.status_code, 201 if allowed else (400 if may else 403))
        _check(f"{where} API wrote", _exists(ledger, key), allowed)
        # Import: preview, then commit
        raw = ledger.example_row(Example(org=org))
        key = ledger.key.parse(raw[ledger.key.field])
        upload = io.BytesIO(_sheet(ledger, raw))
        upload.name = "rows.xlsx"
        response = client.post(reverse("ledger-import", args=[ledger.name]), {"file": upload})
        _check(f"{where} import preview", response.status_code, 200 if may else 403)
        if not may:
            continue
        _check(f"{where} preview clean", response.context["outcome"].ok, allowed)
        commit = client.post(
            reverse("ledger-import-commit", args=[ledger.name]),
            {"token": response.context["token"]},
        )
        _check(f"{where} import commit", commit.status_code, 302 if allowed else 400)
        _check(f"{where} import wrote", _exists(ledger, key), allowed)


def _exists(ledger, key) -> bool:
    return rows_for_read(ledger, Scope.all()).filter(**{ledger.key.attr: key}).exists()


def _form(ledger, raw: dict, *, editing=False) -> dict:
    data = {}
    for column in ledger.columns:
        if editing and column is ledger.key or column.field not in raw:
            continue
        value = raw[column.field]
        data[column.field] = value if isinstance(value, list) else str(value)
    return data


def _api_body(ledger, raw: dict) -> dict:
    return {field: value for field, value in raw.items()}


def _sheet(ledger, raw: dict) -> bytes:
    columns = [c for c in ledger.columns if c.field in raw]
    values = [raw[c.field] for c in columns]
    return xlsx_bytes(
        [
            [c.header for c in columns],
            ["、".join(v) if isinstance(v, list) else str(v) for v in values],
        ]
    )


def test_the_throwaway_app_is_in_the_contract():
    """A ledger is covered by being registered: the test app's two are."""
    assert {"notes", "remarks"} <= set(_contract_ledgers())


# -- personal data: masked per role, everywhere a value leaves the engine --------------

PERSONAL_VALUES = {  # two distinct valid values of each kind of personal data
    "mobile": ("13912340001", "13912340002", "13912340003"),
    "id_number": ("360102199001011231", "360102199001011242", "360102199001011253"),
    "other": ("个人信息甲", "个人信息乙", "个人信息丙"),
}


def _oracle_mask(value: str) -> str:
    """A masked value as the security page promises it (138****8000), written here
    independently of the engine."""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "**"


def _clear(oracle: Oracle, org: str) -> bool:
    """Who sees a personal value in clear: a grant with one of the roles that maintain
    the data (the ledger's clear roles and write roles) over the row's organization."""
    roles = frozenset(oracle.ledger.clear_roles) | frozenset(oracle.ledger.write_roles)
    for role, granted in oracle.grants:
        if role in roles and (
            _under(org, granted) if oracle.ledger.scope_path is not None else granted == "QSH"
        ):
            return True
    return False


def _personal_ledgers():
    return [name for name in registry if registry[name].personal_columns]


def _exported(response) -> list[list]:
    from taizhang.core.spreadsheet import read_cells

    return read_cells(b"".join(response.streaming_content), "export.xlsx")


def test_personal_columns_are_declared():
    """The people ledger's mobile number is personal data; the matrix below covers it."""
    assert registry["people"].column("mobile").personal == "mobile"
    assert "people" in _personal_ledgers()


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("ledger_name", _personal_ledgers())
def test_personal_data_is_masked_for_roles_that_do_not_maintain_it(
    client, contract, ledger_name, user_name
):
    from taizhang.core.ledger_write import ledger_write

    ledger, user = registry[ledger_name], contract[user_name]
    oracle = Oracle(USERS[user_name], ledger)
    client.force_login(user)
    rows = dict(zip((HERE, THERE), _rows(ledger_name), strict=True))
    shown_in_list = not ledger.list_fields or any(
        c.field in ledger.list_fields for c in ledger.personal_columns
    )
    for index, (org, key) in enumerate(rows.items()):
        # Each personal column gets an old value, then a new one: the history shows both.
        values = {}
        for column in ledger.personal_columns:
            old, new = PERSONAL_VALUES[column.personal][index], PERSONAL_VALUES[column.personal][2]
            new = new[:-1] + str(index)
            for value in (old, new):
                outcome = ledger_write(
                    ledger=ledger,
                    actor=None,
                    rows=[(None, {ledger.key.field: key, column.field: value})],
                    mode="update",
                )
                assert outcome.ok, [p.line() for p in outcome.problems]
            values[column] = (old, new)
        where = f"{user_name} {ledger.name} row in {org}"
        readable = oracle.reads_ledger() and oracle.reads(org)
        clear = readable and _clear(oracle, org)

        def check(label, text, value, *, where=where, clear=clear):
            _check(f"{where} {label} in clear", value in text, clear)
            _check(f"{where} {label} masked", _oracle_mask(value) in text, not clear)

        detail = client.get(reverse("ledger-detail", args=[ledger.name, key]))
        api = client.get(f"/api/v1/{ledger.name}/{key}")
        if not readable:
            _check(f"{where} detail", detail.status_code, oracle.row_status(org, write=False))
            _check(f"{where} API detail", api.status_code, oracle.row_status(org, write=False))
            continue
        page = detail.content.decode()
        for column, (old, new) in values.items():
            check(f"detail {column.field}", page, new)
            check(f"history {column.field}", page, old)  # shown only in the history
            item = api.json()[column.field]
            _check(f"{where} API detail {column.field}", item, new if clear else _oracle_mask(new))
        listing = client.get(reverse("ledger-list", args=[ledger.name]), {"q": key}).content
        items = client.get(f"/api/v1/{ledger.name}/", {"q": key}).json()["items"]
        item = next(i for i in items if i[ledger.key.field] == key)
        export = _exported(client.get(reverse("ledger-export", args=[ledger.name]), {"q": key}))
        headers = export[0]
        exported = next(r for r in export[1:] if r[0] == key)
        for column, (_, new) in values.items():
            if shown_in_list:
                check(f"list {column.field}", listing.decode(), new)
            shown = new if clear else _oracle_mask(new)
            _check(f"{where} API list {column.field}", item[column.field], shown)
            _check(f"{where} export {column.field}", exported[headers.index(column.header)], shown)
            # A masked number cannot be found by searching for it.
            found = client.get(f"/api/v1/{ledger.name}/", {"q": new}).json()["items"]
            _check(
                f"{where} found by {column.field}",
                key in {i[ledger.key.field] for i in found},
                clear,
            )
        for figure in (f for f in figure_registry.values() if f.ledger == ledger.name):
            drill = client.get(
                reverse("ledger-list", args=[ledger.name]), {"figure": figure.key, "q": key}
            )
            link = reverse("ledger-detail", args=[ledger.name, key])
            if link in drill.content.decode() and shown_in_list:
                for column, (_, new) in values.items():
                    check(f"drill-down {figure.key} {column.field}", drill.content.decode(), new)
        # A writer's form holds the value in clear, never a mask (saving keeps it).
        if oracle.writes(org) and oracle.writes_ledger():
            form = client.get(reverse("ledger-edit", args=[ledger.name, key])).content.decode()
            for column, (_, new) in values.items():
                _check(f"{where} form {column.field}", new in form, True)
                _check(f"{where} form masked {column.field}", _oracle_mask(new) in form, False)


# -- the audit page: security administrator and auditor at the root only -------------

AUDIT_USERS = {  # (role, organization) grants; security/auditor are plain strings here
    "security": [("security", "QSH")],
    "auditor": [("auditor", "QSH")],
    "branch_auditor": [("auditor", "QSH-A")],
    "system_admin": [("admin", "QSH")],
    "office": [("office", "QSH")],
}


def _audit_user(district, name, grants):
    from taizhang.accounts.models import Grant, User

    user = User.objects.create(username=f"a-{name}", display_name=name)
    for role, org in grants:
        Grant.objects.create(user=user, role=role, org=district.orgs[org])
    return user


@pytest.mark.parametrize("user_name", [*AUDIT_USERS, *USERS, "anonymous"])
def test_the_audit_is_read_by_the_security_and_audit_roles_at_the_root(
    client, contract, district, user_name
):
    grants = AUDIT_USERS.get(user_name) or USERS.get(user_name)
    if grants is not None:
        user = contract.get(user_name) or _audit_user(district, user_name, grants)
        client.force_login(user)
    may = user_name in ("security", "auditor")
    for url in (reverse("audit-list"), reverse("audit-export")):
        response = client.get(url)
        if grants is None:
            _check(f"{user_name} {url}", response.status_code, 302)
            continue
        _check(f"{user_name} {url}", response.status_code, 200 if may else 403)
    home = client.get(reverse("ledger-index"))
    if grants is not None:
        _check(
            f"{user_name} sees 审计 in the navigation",
            reverse("audit-list") in home.content.decode(),
            may,
        )
