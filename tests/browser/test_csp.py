"""Under the Content-Security-Policy (no inline script or style, no eval) every page
reachable from the navigation works without a single violation, for several roles; the
print button, the archive confirmation, the org picker and the API docs still work."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.orgs.models import Person

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (injected by the browser, not subject to the policy): it
# records every violation the page reports, and stands in for the print dialog.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
                           " " + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""
# Downloads and actions, not pages.
SKIP = ("/export", "/template", "/logout", "/files/", "/attachments/", "/api/")
DOWNLOADS = (".docx", ".xlsx", ".ics", ".txt", ".pdf")


@pytest.fixture
def watched(page):
    console = []
    page.context.add_init_script(WATCH)
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page, console


def _violations(page, console) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


def _links(page, base: str, selector: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all(selector, "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if (
            href.startswith(base)
            and not parts.path.startswith(SKIP)
            and not parts.path.endswith(DOWNLOADS)
            and "export" not in href
        ):
            found.append(href.split("#")[0])
    return found


def _visit_everything(page, console, base: str, limit: int = 30) -> list[str]:
    """The navigation's pages, then every page one link away from them."""
    page.goto(f"{base}/")
    nav = _links(page, base, "nav a")
    seen, visited, problems = set(), [], []
    queue = [(url, True) for url in nav]
    while queue and len(visited) < limit:
        url, expand = queue.pop(0)
        parts = urlsplit(url)
        # One page of each kind: the same path with another query is the same template.
        kind = (parts.path, bool(parts.query))
        if kind in seen:
            continue
        seen.add(kind)
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        visited.append(url)
        assert response.status == 200, url
        problems += [f"{url}: {v}" for v in _violations(page, console)]
        console.clear()
        if expand:
            queue += [(link, False) for link in _links(page, base, "main a[href]")]
    assert problems == []
    return visited


@pytest.mark.parametrize("username", ["office", "allowed", "member", "admin"])
def test_no_page_reachable_from_the_navigation_violates_the_policy(
    watched, live_server, users, username
):
    page, console = watched
    page.goto(f"{live_server.url}/login/")
    assert _violations(page, console) == []
    log_in(page, live_server, username, PASSWORD)
    visited = _visit_everything(page, console, live_server.url)
    assert len(visited) >= 3  # home, 台账, 系统 at least
    if username == "admin":  # Django admin, entered by the system administrator
        page.goto(f"{live_server.url}/admin/")
        expect(page.locator("#site-name")).to_be_visible()
        page.goto(f"{live_server.url}/admin/accounts/")
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == []


def test_print_confirm_and_picker_work_under_the_policy(watched, live_server, users):
    page, console = watched
    log_in(page, live_server, "allowed", PASSWORD)
    page.goto(f"{live_server.url}/ledgers/people/")
    # 打印 opens the whole list's print page; its button opens the print dialog.
    with page.expect_popup() as popup:
        page.click("a:text-is('打印')")
    printed = popup.value
    printed.wait_for_load_state()
    printed.click("button:text-is('打印')")
    assert printed.evaluate("window.__printed") == 1
    assert _violations(printed, console) == []
    printed.close()

    # The org picker of the list's filter: open a node's children, pick one, the table
    # shows that subtree only.
    page.click("input.org-picker")
    results = page.locator(".picker-results")
    expect(results).to_contain_text("湖坊镇党委")
    results.locator("button:has-text('下级')").first.click()
    expect(results).to_contain_text("何坊村党支部")
    results.locator("[data-pick-code='QSH-A-2']").click()
    expect(page.locator("input.org-picker")).to_have_value("QSH-A-2")
    expect(page.locator("#ledger-table")).to_contain_text("王小明")
    expect(page.locator("#ledger-table")).not_to_contain_text("张三")
    # Typing searches (the typed text is sent as the picker's query).
    page.fill("input.org-picker", "")
    page.type("input.org-picker", "湖坊村")
    expect(results).to_contain_text("QSH-A-1")
    expect(results).not_to_contain_text("何坊村")

    # The archive confirmation: cancelled, nothing happens; accepted, archived.
    page.goto(f"{live_server.url}/ledgers/people/P-A2/")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("button:text-is('归档')")
    expect(page.locator("h1")).to_be_visible()
    assert asked == ["确定归档这条记录？"]
    assert Person.objects.get(code="P-A2").archived_at is None
    page.once("dialog", lambda d: d.accept())
    page.click("button:text-is('归档')")
    expect(page.locator(".badge")).to_contain_text("已归档")
    assert Person.objects.get(code="P-A2").archived_at is not None
    assert _violations(page, console) == []


def test_the_api_docs_work_under_the_same_policy(watched, live_server, users):
    page, console = watched
    log_in(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("台账 taizhang API")
    expect(page.locator(".opblock").first).to_be_visible()
    # Open the first operation (the list of a ledger), try it out, run it: the answer is
    # fetched from this site and shown highlighted.
    page.locator(".opblock-summary").first.click()
    page.click("button:text-is('Try it out')")
    page.click("button:text-is('Execute')")
    expect(page.locator(".responses-wrapper .live-responses-table")).to_contain_text("200")
    assert _violations(page, console) == []
