"""The web app and GraphiQL as the API serves them (routes/web.py), and the committed build
(web/dist) checked against its sources without Node.js. The browser journeys are in
tests/test_e2e_browser.py."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import httpx
import pytest
from starlette.routing import compile_path

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


APP = WEB / "src" / "App.tsx"


def app_routes(source: str) -> list[str]:
    """The paths of the `<Route>` elements of a React Router tree, nested routes joined to
    their parents' (a layout route without a path adds nothing; an index route is its
    parent's path)."""
    found: list[str] = []
    parents: list[str] = []
    position = 0
    tag = re.compile(r"<Route\b|</Route\s*>")
    while (match := tag.search(source, position)) is not None:
        if match.group().startswith("</"):
            parents.pop()
            position = match.end()
            continue
        attributes, position = _attributes(source, match.end())
        base = parents[-1] if parents else ""
        path = base
        own = re.search(
            r"(?<![\w-])path=(?:\"([^\"]*)\"|'([^']*)'|\{([\"'`])(.*?)\3\})", attributes
        )
        if own is not None:
            value = own.group(1) or own.group(2) or own.group(4) or ""
            path = value if value.startswith("/") else f"{base.rstrip('/')}/{value}"
        if own is not None or re.search(r"(?<![\w-])index\b", attributes):
            found.append(path)
        if not attributes.endswith("/"):
            parents.append(path)  # its children follow, up to its </Route>
    return found


def _attributes(source: str, start: int) -> tuple[str, int]:
    """A JSX tag's attributes, from `start` to the `>` that closes it, with each `{...}` value
    but a string literal left out (they may hold `>` and elements of their own); and where the
    tag ends."""
    depth, quote = 0, ""
    kept: list[str] = []
    value: list[str] = []
    for index in range(start, len(source)):
        char = source[index]
        if depth == 0:
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == ">":
                return "".join(kept).strip(), index + 1
            elif char == "{":
                depth, value = 1, []
                continue
            kept.append(char)
        else:
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                literal = "".join(value).strip()
                if re.fullmatch(r"([\"'`])[^\"'`]*\1", literal):
                    kept.append("{" + literal + "}")
            else:
                value.append(char)
    raise AssertionError(f"a <Route tag at {start} does not close")


def example(route: str) -> str:
    """A concrete URL path for a route: each `:param` segment filled in, a splat dropped."""
    segments = [s for s in route.split("/") if s and s != "*"]
    filled = ["QmlsbGluZ0FjY291bnQ6MQ" if s.startswith(":") else s for s in segments]
    return "/" + "/".join(filled)


def serves(pattern: str, path: str) -> bool:
    return compile_path(pattern)[0].match(path) is not None


def test_app_routes_are_read_nested_and_with_parameters() -> None:
    """The reader behind the next test: nested, index and layout routes, `:param`s, `*`."""
    source = """
      <Routes>
        <Route path="/a" element={<A title={x > 1 ? "it's" : "c"} path="/no" />} />
        <Route path={"/b"} element={<B />} />
        <Route element={<Layout />}>
          <Route path="/accounts/:id" element={<Account />}>
            <Route index element={<Summary />} />
            <Route path="cards" element={<Cards />} />
          </Route>
        </Route>
        <Route path="*" element={<NotFound />} />
      </Routes>
    """
    routes = app_routes(source)
    assert routes == ["/a", "/b", "/accounts/:id", "/accounts/:id", "/accounts/:id/cards", "/*"]
    assert example("/accounts/:id/cards") == "/accounts/QmlsbGluZ0FjY291bnQ6MQ/cards"


def test_client_paths_are_exactly_the_app_routes() -> None:
    """Every route of web/src/App.tsx is served the app by a CLIENT_PATHS pattern (so a link
    to it, or a reload on it, does not answer 404), and every CLIENT_PATHS pattern is there
    for some App.tsx route (none left over when a page goes)."""
    routes = [r for r in app_routes(APP.read_text(encoding="utf-8")) if r.strip("/") != "*"]
    assert "/accounts/:accountId/invoices/:invoiceId" in routes  # the reader found them
    unserved = [r for r in routes if not any(serves(p, example(r)) for p in CLIENT_PATHS)]
    assert unserved == [], f"add these App.tsx routes to routes/web.py CLIENT_PATHS: {unserved}"
    unused = [p for p in CLIENT_PATHS if not any(serves(p, example(r)) for r in routes)]
    assert unused == [], f"no App.tsx route for these CLIENT_PATHS: {unused}"


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
    """R-NOT-6, R-SUB-5: the invoice page, the subscriptions page and the account page that
    emails and PDFs link to are pages of the app (`/accounts/:id/invoices/:id`,
    `/accounts/:id/subscriptions`, `/accounts/:id`)."""
    from models.invoices import Invoice
    from models.subscriptions import Deployment, Subscription
    from notifications.events import event_page_path, invoice_page_path
    from resolvers.subscriptions import provisioning

    invoice = Invoice(id=6, account_id=3)
    subscription = Subscription(id=4, account_id=3, deployment=Deployment.SELF_MANAGED, seats=1)
    subscription.name = "S-1"
    link = provisioning(subscription).link
    paths = [invoice_page_path(invoice), link.split("app.test", 1)[1]]
    # every other event's email opens its subscriptions or its account (never a missing page)
    paths += [event_page_path(3, subscription=subscription), event_page_path(3)]
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
