"""The customer journey in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright) against the whole service on a free loopback port, with email delivered over SMTP
to an in-test aiosmtpd server. Links are opened exactly as the emails give them.

Screenshots of the main pages are written to docs/screenshots/ (linked from the README).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    async_playwright,
    expect,
)
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from core.settings import get_settings
from tests.conftest import LiveServer, free_port, serve_app
from tests.test_outbox_smtp import Collector, start_smtp

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
OPERATOR = {"Authorization": "Bearer op-token"}
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)  # the machine may be busy: wait for the app, not a clock

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) { billingAccount { id } userErrors { code message } }
}"""
ISSUE_INVOICE = """
mutation($a: ID!, $what: String!, $minor: Int!) {
  issueInvoice(input: {billingAccountId: $a,
                       lines: [{description: $what, quantity: 1, unitPriceMinor: $minor}]}) {
    invoice { id number } userErrors { code message }
  }
}"""
CREATE_SUBSCRIPTION = """
mutation($a: ID!) {
  createSubscription(input: {billingAccountId: $a, plan: "Premium", deployment: SELF_MANAGED,
    seats: 10, unitPriceMinor: 2900, startDate: "2025-01-01", endDate: "2030-01-01"}) {
    userErrors { code message }
  }
}"""


def chromium_path() -> str | None:
    return os.environ.get("PORTAL_TEST_CHROMIUM") or shutil.which("chromium")


@dataclass
class Portal:
    live: LiveServer
    inbox: Collector
    http: httpx.AsyncClient

    @property
    def url(self) -> str:
        return self.live.url

    async def operator(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = await self.http.post(
            "/operator/graphql", json={"query": query, "variables": variables}, headers=OPERATOR
        )
        body = answer.json()
        assert "errors" not in body, body
        payload = next(iter(body["data"].values()))
        assert payload["userErrors"] == [], payload
        return dict(payload)

    async def create_account(self, email: str, company: str = "Acme GmbH") -> str:
        owner = {"email": email, "firstName": "Olga", "lastName": "Owner"}
        payload = await self.operator(
            CREATE_ACCOUNT,
            {"input": {"companyName": company, "country": "DE", "owner": owner}},
        )
        return str(payload["billingAccount"]["id"])

    async def issue_invoice(self, account: str, what: str, minor: int = 5000) -> dict[str, str]:
        payload = await self.operator(ISSUE_INVOICE, {"a": account, "what": what, "minor": minor})
        return dict(payload["invoice"])

    async def link(self, to: str, path: str, seen: int = 0) -> str:
        """The `path?token=` link of the newest email to `to` after the first `seen` ones."""
        for _ in range(300):
            for message in self.inbox.messages[seen:]:
                if message["To"] != to:
                    continue
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                found = re.search(
                    r"https?://\S+" + re.escape(path) + r"\?token=[\w\-]+", str(body.get_content())
                )
                if found:
                    return found.group(0)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {path} email to {to}")

    async def sign_in(self, page: Page, email: str) -> None:
        """Through the app: ask for a link, open it from the email (R-AUTH-1)."""
        seen = len(self.inbox.messages)
        await page.goto(self.url + "/sign-in")
        await page.get_by_label("Email address").fill(email)
        await page.get_by_role("button", name="Email me a sign-in link").click()
        await expect(page.get_by_role("status")).to_contain_text("Check your inbox")
        await page.goto(await self.link(email, "/sign-in", seen))


@pytest_asyncio.fixture
async def portal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Portal]:
    smtp_port = free_port()
    controller, inbox = start_smtp(smtp_port)
    monkeypatch.setenv("PORTAL_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    try:
        async with serve_app(monkeypatch, tmp_path) as live:
            # Links in emails lead to this server (PORTAL_APP_URL defaults to the API's URL).
            monkeypatch.setenv("PORTAL_APP_URL", live.url)
            get_settings.cache_clear()
            async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
                yield Portal(live=live, inbox=inbox, http=http)
    finally:
        controller.stop()


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    if executable is None:
        message = "Chromium not found: apt-get install chromium (or set PORTAL_TEST_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


async def choose(select: Locator, text: str) -> None:
    """Select the first option whose label contains `text` (cards on file come first)."""
    value = await select.locator("option", has_text=text).first.get_attribute("value")
    assert value
    await select.select_option(value)


async def screenshot(page: Page, name: str) -> None:
    """Into docs/screenshots/ with PORTAL_TEST_SCREENSHOTS=1 (the README shows them), else
    next to the test's files, so an ordinary run leaves the work tree as it was."""
    folder = SCREENSHOTS if os.environ.get("PORTAL_TEST_SCREENSHOTS") == "1" else None
    if folder is None:
        folder = Path(tempfile.gettempdir()) / "portal-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shot = await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert shot.startswith(b"\x89PNG")


async def test_sign_in_link_from_email_opens_the_portal_signed_in(
    portal: Portal, browser: Browser
) -> None:
    """R-AUTH-1: the emailed link opens the portal signed in (the token kept for reloads);
    R-CONF-1: the confirmation link confirms; R-TAX-1: an invalid tax ID is refused beside
    its field; R-COMP-1: valid company details are saved; R-AUTH-5: signing out ends it."""
    await portal.create_account("olga@acme.example")
    _, page = await new_page(browser)
    await page.goto(portal.url + "/")
    await screenshot(page, "sign-in")
    seen = len(portal.inbox.messages)
    await portal.sign_in(page, "olga@acme.example")

    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme GmbH")
    assert await page.evaluate("localStorage.getItem('portal.session')")
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme GmbH")

    confirm = await portal.link("olga@acme.example", "/confirm-email", seen)
    assert confirm.startswith(portal.url + "/confirm-email?token=")
    await page.goto(confirm)
    await expect(page.get_by_role("status")).to_contain_text("olga@acme.example is confirmed")
    await page.get_by_role("link", name="Continue to the portal").click()

    tax_id = page.get_by_label("Tax ID")
    await tax_id.fill("DE123")
    await page.get_by_role("button", name="Save company details").click()
    await expect(tax_id).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field.invalid .field-error")
    await expect(error).to_have_count(1)
    assert "VAT" in (await error.inner_text()) or "format" in (await error.inner_text()).lower()
    await tax_id.fill("DE136695976")
    await page.get_by_label("Address line 1").fill("Friedrichstraße 123")
    await page.get_by_label("City").fill("Berlin")
    await page.get_by_label("Postal code").fill("10117")
    await page.get_by_role("button", name="Save company details").click()
    await expect(
        page.get_by_role("status").filter(has_text="Company details saved")
    ).to_be_visible()
    await expect(page.get_by_text("Invoices apply: reverse charge")).to_be_visible()
    await screenshot(page, "account")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('portal.session')") is None
    assert page.errors == []  # type: ignore[attr-defined]


async def test_invitation_accepted_from_its_email(portal: Portal, browser: Browser) -> None:
    """R-MGR-1: a manager invites by email in the app; the invitee, signed out in another
    browser, opens the emailed link and is signed in (registered) as a manager.
    R-INV-2/R-INV-3: the pending invitation shows the limit and "Awaiting user registration"."""
    account = await portal.create_account("olga@acme.example")
    _, owner = await new_page(browser)
    await portal.sign_in(owner, "olga@acme.example")
    await expect(owner.get_by_role("heading", level=1)).to_have_text("Acme GmbH")
    seen = len(portal.inbox.messages)
    await owner.get_by_label("Invite a manager by email").fill("ivy@acme.example")
    await owner.get_by_role("button", name="Send invitation").click()
    await expect(owner.get_by_role("status").filter(has_text="Invitation sent")).to_be_visible()
    await expect(owner.get_by_test_id("invitation-limit")).to_contain_text("1 of 15 pending")
    await expect(owner.get_by_role("cell", name="Awaiting user registration")).to_be_visible()
    await owner.get_by_label("Invite a manager by email").fill("ivy@acme.example")
    await owner.get_by_role("button", name="Send invitation").click()
    await expect(owner.locator(".field-error")).to_be_visible()  # R-INV-4, beside the field
    await screenshot(owner, "managers-and-invitations")

    link = await portal.link("ivy@acme.example", "/invitations/accept", seen)
    assert link.startswith(portal.url + "/invitations/accept?token=")
    _, invitee = await new_page(browser)
    await invitee.goto(link)
    await expect(invitee.get_by_role("heading", level=1)).to_have_text("Acme GmbH")
    assert invitee.url == f"{portal.url}/accounts/{account}"
    managers = invitee.locator("table").first
    await expect(managers).to_contain_text("ivy@acme.example")
    await expect(managers.get_by_role("row").filter(has_text="(you)")).to_contain_text("ivy@")
    await invitee.goto(link)  # a link works once
    await expect(invitee.get_by_role("alert")).to_be_visible()
    assert owner.errors == []  # type: ignore[attr-defined]


async def test_card_added_invoice_paid_and_pdf_downloaded(portal: Portal, browser: Browser) -> None:
    """R-PAY-2/R-PAY-5: cards come from sandbox tokens; R-BILL-1: the invoice is listed and
    filtered; R-BILL-4: a decline is shown and leaves it open; R-BILL-3: paid with the chosen
    card; R-BILL-2: the PDF downloads with the session token."""
    account = await portal.create_account("olga@acme.example")
    invoice = await portal.issue_invoice(account, "Premium, 10 seats", 290000)
    await portal.operator(CREATE_SUBSCRIPTION, {"a": account})
    _, page = await new_page(browser)
    await portal.sign_in(page, "olga@acme.example")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme GmbH")

    await page.get_by_role("link", name="Cards").click()
    await page.get_by_label("Test card").select_option("tok_chargeDeclined")
    await page.get_by_role("button", name="Add card").click()
    await expect(page.get_by_role("status")).to_contain_text("···0002 added")
    await page.get_by_label("Test card").select_option("tok_visa")
    await page.get_by_role("button", name="Add card").click()
    await expect(page.get_by_role("status")).to_contain_text("···4242 added")
    await expect(page.get_by_test_id("card")).to_have_count(2)
    await page.get_by_role("button", name="Make default ···4242").click()
    await expect(page.get_by_test_id("card").filter(has_text="4242")).to_contain_text("default")
    await screenshot(page, "cards")

    await page.get_by_role("link", name="Subscriptions").click()
    await expect(page.get_by_role("heading", name=re.compile("Premium"))).to_be_visible()
    async with page.expect_download() as license_download:
        await page.get_by_role("button", name="Download license").click()
    assert (await license_download.value).suggested_filename.endswith(".license.json")
    await screenshot(page, "subscriptions")

    await page.get_by_role("link", name="Invoices").click()
    row = page.get_by_role("row").filter(has_text=invoice["number"])
    await expect(row).to_contain_text("open")
    await page.get_by_label("Status").select_option("PAID")
    await expect(page.get_by_text("No invoices with this status")).to_be_visible()
    await page.get_by_label("Status").select_option("OPEN")
    await row.get_by_role("link", name=invoice["number"]).click()
    await expect(page.get_by_test_id("invoice-status")).to_have_text("open")

    await choose(page.get_by_label("Pay with"), "···0002")
    await page.get_by_role("button", name="Pay now").click()
    await expect(page.get_by_test_id("payment-error")).to_contain_text("CARD_DECLINED")
    await expect(page.get_by_test_id("invoice-status")).to_have_text("open")
    await screenshot(page, "invoice-declined")
    await choose(page.get_by_label("Pay with"), "···4242")
    await page.get_by_role("button", name="Pay now").click()
    await expect(page.get_by_role("status").filter(has_text="Payment received")).to_be_visible()
    await expect(page.get_by_test_id("invoice-status")).to_have_text("paid")
    await expect(page.get_by_test_id("amount-due")).to_have_text(re.compile(r"^0\.00 [A-Z]{3}$"))

    async with page.expect_download() as pdf_download:
        await page.get_by_role("button", name="Download PDF").click()
    pdf = await pdf_download.value
    assert pdf.suggested_filename == f"invoice-{invoice['number']}.pdf"
    path = await pdf.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    await screenshot(page, "invoice")

    await page.get_by_role("link", name="Activity").click()
    await expect(page.locator(".activity")).to_contain_text("4242")
    await screenshot(page, "activity")
    assert page.errors == []  # type: ignore[attr-defined]


async def test_live_notification_appears_without_reload(portal: Portal, browser: Browser) -> None:
    """R-NOT-2: an invoice issued while the portal is open shows up at once, over the
    websocket, in the bell; R-NOT-5: what happened before the page opened is in the feed."""
    account = await portal.create_account("olga@acme.example")
    await portal.issue_invoice(account, "Setup fee")
    _, page = await new_page(browser)
    await portal.sign_in(page, "olga@acme.example")
    bell = page.get_by_role("button", name=re.compile("^Notifications"))
    await expect(bell).to_have_attribute("data-connection", "live")
    await expect(bell).to_have_accessible_name("Notifications, 1 unread")
    url = page.url

    later = await portal.issue_invoice(account, "Storage add-on")
    await expect(page.get_by_test_id("live-announcement")).to_contain_text("New notification")
    await expect(bell).to_have_accessible_name("Notifications, 2 unread")
    assert page.url == url
    await bell.click()
    panel = page.get_by_role("region", name="Notifications")
    await expect(panel).to_contain_text(later["number"])
    await screenshot(page, "notifications")
    await panel.get_by_role("button", name="Mark all read").click()
    await expect(bell).to_have_accessible_name("Notifications, 0 unread")
    assert page.errors == []  # type: ignore[attr-defined]


async def test_phone_width_is_readable(portal: Portal, browser: Browser) -> None:
    """The app fits a 375 px wide screen: nothing wider than the viewport (wide tables
    scroll inside their own box)."""
    await portal.create_account("olga@acme.example")
    _, page = await new_page(browser, viewport={"width": 375, "height": 740})
    await portal.sign_in(page, "olga@acme.example")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Acme GmbH")
    await screenshot(page, "phone")
    too_wide = await page.evaluate(
        """() => [...document.querySelectorAll("main *, header *")]
            .filter((e) => !e.parentElement.closest(".table-wrap"))
            .filter((e) => e.getBoundingClientRect().right > 375.5)
            .map((e) => `${e.tagName}.${e.className}`)"""
    )
    assert too_wide == []
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375


QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = (
    "section.graphiql-editor-tool[aria-label=Headers] .graphiql-editor:not(.hidden) .CodeMirror"
)
RESULT = ".result-window .CodeMirror"


async def editor_text(page: Page, selector: str) -> str:
    return str(await page.eval_on_selector(selector, "e => e.CodeMirror.getValue()"))


async def set_query(page: Page, document: str) -> None:
    """Replace the query editor's text, and wait for GraphiQL to have parsed it (its tab is
    named after the operation): with the several operations of the default document still
    in mind, Execute would ask which one to run."""
    await page.eval_on_selector(QUERY_EDITOR, "(e, text) => e.CodeMirror.setValue(text)", document)
    await expect(page.locator(".graphiql-tab").first).to_contain_text("<untitled>")


async def run_in_graphiql(page: Page, document: str, expect_text: str) -> str:
    """Type a document into GraphiQL, run it, and wait for `expect_text` in the result."""
    await set_query(page, document)
    await page.get_by_role("button", name=re.compile("^Execute query")).click()
    try:
        await page.wait_for_function(
            "([selector, text]) => document.querySelector(selector).CodeMirror.getValue()"
            ".includes(text)",
            arg=[RESULT, expect_text],
            timeout=TIMEOUT_MS,
        )
    except PlaywrightTimeoutError:
        result = await editor_text(page, RESULT)
        raise AssertionError(f"{expect_text!r} not in the result of {document}: {result}") from None
    return await editor_text(page, RESULT)


async def test_graphiql_works_offline_with_the_session_header_and_subscriptions(
    portal: Portal, browser: Browser
) -> None:
    """GraphiQL from the project's own build: every request the page makes goes to this
    server. Its default document shows how to sign in; R-AUTH-1: signing in works from it;
    R-AUTH-5: the session token in the Headers pane authenticates queries over HTTP and the
    subscription over the websocket (connection_init); R-NOT-2: the event arrives live."""
    account = await portal.create_account("olga@acme.example")
    _, page = await new_page(browser)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: requests.append(socket.url))
    await page.goto(portal.url + "/graphql")
    await page.wait_for_selector(QUERY_EDITOR)
    default = await editor_text(page, QUERY_EDITOR)
    assert "requestSignInLink" in default and "signInWithLink" in default
    assert '{"Authorization": "Bearer <session token>"}' in default
    await expect(page.locator("section.graphiql-editor-tool[aria-label=Headers]")).to_be_visible()
    await screenshot(page, "graphiql")

    seen = len(portal.inbox.messages)
    await run_in_graphiql(
        page,
        'mutation { requestSignInLink(email: "olga@acme.example") { userErrors { code } } }',
        '"userErrors": []',
    )
    token = (await portal.link("olga@acme.example", "/sign-in", seen)).split("token=")[1]
    result = await run_in_graphiql(
        page,
        f'mutation {{ signInWithLink(token: "{token}") {{ session {{ token }} }} }}',
        '"token"',
    )
    session = json.loads(result)["data"]["signInWithLink"]["session"]["token"]

    await page.eval_on_selector(
        HEADERS_EDITOR,
        "(e, text) => e.CodeMirror.setValue(text)",
        json.dumps({"Authorization": f"Bearer {session}"}),
    )
    me = await run_in_graphiql(page, "{ me { email } }", "olga@acme.example")
    assert json.loads(me) == {"data": {"me": {"email": "olga@acme.example"}}}

    await set_query(page, "subscription { notifications { event title } }")
    await page.get_by_role("button", name=re.compile("^Execute query")).click()
    # the stream is open once the server has the subscription: issue until it shows up
    invoice: dict[str, str] = {}
    for _ in range(20):
        invoice = await portal.issue_invoice(account, "Premium, 1 seat")
        try:
            await page.wait_for_function(
                "([selector, text]) => document.querySelector(selector).CodeMirror.getValue()"
                ".includes(text)",
                arg=[RESULT, invoice["number"]],
                timeout=1500,
            )
            break
        except PlaywrightTimeoutError:
            continue
    event = await editor_text(page, RESULT)
    assert "INVOICE_ISSUED" in event and invoice["number"] in event, event

    await page.get_by_role("button", name="Show Documentation Explorer").click()
    docs = page.locator(".graphiql-doc-explorer")
    await expect(docs).to_contain_text("Query")
    await docs.get_by_text("Query", exact=True).first.click()
    await expect(docs).to_contain_text("billingAccount")
    await screenshot(page, "graphiql-docs")

    host = portal.url.split("://", 1)[1]
    outside = [url for url in requests if url.split("://", 1)[1].split("/", 1)[0] != host]
    assert [url for url in outside if not url.startswith(("data:", "blob:"))] == []
    assert any(url.startswith(f"ws://{host}/graphql") for url in requests)
