"""The Content-Security-Policy: on every answer (pages, API, error pages, the 413 of an
oversized request), without 'unsafe-inline' or eval; the templates hold no inline code
the policy would block (the browser test, tests/browser/test_csp.py, checks the pages)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import taizhang
import taizhang.shell.urls as shell_urls
from taizhang.core.ledger import registry

ROOT = Path(taizhang.__file__).parent


def _directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


def _strict(response):
    header = response["Content-Security-Policy"]
    policy = _directives(header)
    assert policy["script-src"] == ["'self'"], header
    assert policy["style-src"] == ["'self'"], header
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.django_db
def test_pages_of_every_kind_carry_the_strict_policy(client_for, users):
    client = client_for(users.office)
    paths = [
        reverse("home"),
        reverse("system"),
        reverse("ledger-index"),
        *(reverse("ledger-list", args=[name]) for name in registry),
        reverse("ledger-detail", args=["people", "P-A1"]),
        reverse("ledger-create", args=["people"]),
        reverse("ledger-import", args=["people"]),
        "/stats/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        _strict(response)


@pytest.mark.django_db
def test_login_api_and_error_answers_carry_it(client, client_for, users, monkeypatch):
    _strict(client.get(reverse("login")))
    _strict(client.get("/api/v1/people/"))  # 401
    member = client_for(users.member)
    for path, status in [("/ledgers/nope/", 404), ("/no-such-page/", 404), ("/api/v1/nope/", 404)]:
        response = member.get(path)
        assert response.status_code == status, path
        _strict(response)
    forbidden = member.get(reverse("ledger-create", args=["people"]))
    assert forbidden.status_code == 403
    _strict(forbidden)
    api = member.get("/api/v1/people/")  # a member may not read people: the API's 403
    assert api.status_code == 403
    _strict(api)

    def _boom(request):
        raise RuntimeError("injected")

    # The 500 page of an unexpected error keeps the header.
    system = next(p for p in shell_urls.urlpatterns if getattr(p, "name", "") == "system")
    monkeypatch.setattr(system, "callback", _boom)
    member.raise_request_exception = False
    failed = member.get(reverse("system"))
    assert failed.status_code == 500
    _strict(failed)


@pytest.mark.django_db
def test_the_api_docs_get_the_same_policy_and_load_nothing_from_elsewhere(client_for, users):
    response = client_for(users.office).get("/api/v1/docs")
    assert response.status_code == 200
    _strict(response)
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline script",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"hx-on|hx-vals\s*=\s*['\"]\s*js:|javascript:", re.I), "evaluated code"),
]


def test_no_template_holds_inline_code():
    problems = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                problems.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)}")
    assert problems == []


def test_htmx_neither_injects_styles_nor_evaluates():
    base = (ROOT / "shell/templates/base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
