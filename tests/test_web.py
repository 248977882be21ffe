"""The web app and GraphiQL as the API serves them (routes/web.py), and the committed build
(web/dist) checked against its sources without Node.js. The browser journeys are in
tests/test_e2e_browser.py."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest

from routes.web import CLIENT_PATHS, DIST
from tests.conftest import LiveServer, serve_app

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
HTML = {"Accept": "text/html,application/xhtml+xml"}


def source_manifest() -> str:
    """What web/scripts/stamp.mjs writes to dist/SOURCES.sha256, recomputed here: every file
    under web/ but dist/, node_modules/ and dotfiles, and schema.graphql."""
    files: list[Path] = [ROOT / "schema.graphql"]
    for path in WEB.rglob("*"):
        parts = path.relative_to(WEB).parts
        if parts[0] in {"dist", "node_modules"} or any(p.startswith(".") for p in parts):
            continue
        if path.is_file():
            files.append(path)
    lines = sorted(
        (path.relative_to(ROOT).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in files
    )
    return "".join(f"{digest}  {name}\n" for name, digest in lines)


def test_committed_build_matches_its_sources() -> None:
    """web/dist was built from the sources as they are, schema.graphql included (so the typed
    documents codegen wrote were generated from this schema): after changing either, run
    `npm run codegen && npm run build` in web/ and commit web/dist. CI rebuilds and compares
    byte for byte."""
    stamp = DIST / "SOURCES.sha256"
    assert stamp.is_file(), "web/dist is not built: run `npm ci && npm run build` in web/"
    expected = source_manifest()
    recorded = stamp.read_text(encoding="utf-8")
    if recorded != expected:
        changed = sorted(set(recorded.splitlines()) ^ set(expected.splitlines()))
        pytest.fail(
            "web/dist is stale; rebuild it (cd web && npm run codegen && npm run build). "
            "Changed: " + ", ".join(sorted({line.split("  ", 1)[1] for line in changed}))
        )


def test_every_built_page_references_only_local_files() -> None:
    """The pages load nothing from another site, and every file they name is in the build."""
    for name in ("index.html", "graphiql.html"):
        page = (DIST / name).read_text(encoding="utf-8")
        refs = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert refs, name
        for ref in refs:
            if ref == "data:,":  # the empty favicon: no request at all
                continue
            assert ref.startswith("/assets/"), (name, ref)
            assert (DIST / ref.lstrip("/")).is_file(), (name, ref)
    for asset in (DIST / "assets").iterdir():
        if asset.suffix in {".js", ".css"}:
            text = asset.read_text(encoding="utf-8")
            # no stylesheet, font or script pulled from a CDN
            assert not re.search(r"@import\s+url\(\s*['\"]?https?:", text), asset.name
            assert not re.search(r"url\(\s*['\"]?https?://", text), asset.name


async def test_client_paths_serve_the_app(live_server: LiveServer) -> None:
    """The email links' paths (RUNTIME.md) and the app's other pages answer with the app;
    its assets are served, cacheable for good; the page allows this origin only."""
    paths = [
        "/",
        "/sign-in?token=abc",
        "/confirm-email?token=abc",
        "/invitations/accept?token=abc",
        "/profile",
        "/notifications",
        "/accounts/QmlsbGluZ0FjY291bnQ6MQ==/invoices",
    ]
    assert len(CLIENT_PATHS) == 7
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        for path in paths:
            page = await client.get(path, headers=HTML)
            assert page.status_code == 200, path
            assert '<div id="root"></div>' in page.text, path
            assert page.headers["referrer-policy"] == "no-referrer"
            assert "default-src 'self'" in page.headers["content-security-policy"]
        script = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
        assert script
        asset = await client.get(script.group(1))
        assert asset.status_code == 200
        assert "javascript" in asset.headers["content-type"]
        assert "immutable" in asset.headers["cache-control"]
        assert (await client.get("/assets/missing.js")).status_code == 404
        assert (await client.get("/no-such-page", headers=HTML)).status_code == 404


async def test_api_routes_are_not_shadowed(live_server: LiveServer) -> None:
    """The app's routes leave the API's own alone (RUNTIME.md routes)."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/invoices/SW52b2ljZTox.pdf")).status_code == 401
        assert (await client.get("/subscriptions/x/license")).status_code == 401
        answer = await client.post("/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}
        operator = await client.post("/operator/graphql", json={"query": "{ __typename }"})
        assert operator.status_code == 401
        gitlab = await client.get("/auth/gitlab/sign-in", follow_redirects=False)
        assert gitlab.status_code == 302
        assert "/sign-in?error=" in gitlab.headers["location"]


async def test_graphiql_is_the_local_build(live_server: LiveServer) -> None:
    """GET /graphql from a browser: GraphiQL from web/dist, nothing from a CDN."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.text == (DIST / "graphiql.html").read_text(encoding="utf-8")
    assert "unpkg" not in page.text and "jsdelivr" not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_graphiql_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PORTAL_GRAPHIQL=false: a browser's GET /graphql gets no GraphiQL; the API still works."""
    monkeypatch.setenv("PORTAL_GRAPHIQL", "false")
    async with (
        serve_app(monkeypatch, tmp_path) as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        page = await client.get("/graphql", headers=HTML)
        answer = await client.post("/graphql", json={"query": "{ __typename }"})
        app = await client.get("/", headers=HTML)
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert app.status_code == 200


async def test_gitlab_sign_in_offered_only_when_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """R-AUTH-6: the app shows "Sign in with GitLab.com" when the API has a GitLab app."""
    meta = re.compile(r'<meta name="portal-gitlab-sign-in" content="([^"]*)"')
    async with (
        serve_app(monkeypatch, tmp_path) as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        off = meta.search((await client.get("/sign-in", headers=HTML)).text)
    monkeypatch.setenv("PORTAL_GITLAB_CLIENT_ID", "app-id")
    monkeypatch.setenv("PORTAL_GITLAB_CLIENT_SECRET", "app-secret")
    (tmp_path / "second").mkdir()
    async with (
        serve_app(monkeypatch, tmp_path / "second") as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        on = meta.search((await client.get("/sign-in", headers=HTML)).text)
    assert off and off.group(1) == ""
    assert on and on.group(1) == "/auth/gitlab/sign-in"


async def test_r_not_6_links_in_invoice_and_purchase_emails_open_app_pages(
    live_server: LiveServer,
) -> None:
    """R-NOT-6, R-SUB-5: the invoice page and the subscriptions page that emails and PDFs
    link to are pages of the app (`/accounts/:id/invoices/:id`, `/accounts/:id/subscriptions`)."""
    from models.invoices import Invoice
    from models.subscriptions import Deployment, Subscription
    from resolvers.invoices import invoice_page_path
    from resolvers.subscriptions import provisioning

    invoice = Invoice(id=6, account_id=3)
    subscription = Subscription(id=4, account_id=3, deployment=Deployment.SELF_MANAGED, seats=1)
    subscription.name = "S-1"
    link = provisioning(subscription).link
    paths = [invoice_page_path(invoice), link.split("app.test", 1)[1]]
    app_routes = (web_root() / "src" / "App.tsx").read_text(encoding="utf-8")
    assert 'path="/accounts/:accountId/invoices/:invoiceId"' in app_routes
    assert 'path="/accounts/:accountId/subscriptions"' in app_routes
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        for path in paths:
            page = await client.get(path, headers=HTML)
            assert page.status_code == 200, path
            assert '<div id="root"></div>' in page.text, path


def web_root() -> Path:
    return DIST.parent
