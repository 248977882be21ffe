"""The README walkthrough works when pasted: its curl command is run by bash and its GraphQL
documents are sent, in order, to a real server started as the walkthrough starts it (the
operator token `secret`, no PORTAL_APP_URL). Tokens are copied the way a newcomer copies
them: out of the raw `.eml` file and out of the console's `link:` line.

R-AUTH-1, R-AUTH-2, R-CONF-1, R-PROF-1, R-COMP-1, R-TAX-1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from resolvers.services import Services
from tests.conftest import LiveServer, serve_app

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def walkthrough() -> list[tuple[str, str]]:
    """The fenced blocks (language, text) of the README's walkthrough, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Walkthrough", 1)[1].split("\n## ", 1)[0]
    return [(lang, body) for lang, body in FENCE.findall(section)]


async def token_from_mailbox(live: LiveServer, path: str) -> str:
    """The token of the newest `path?token=` link, read from the raw `.eml` bytes."""
    pattern = re.compile(re.escape(path).encode() + rb"\?token=([A-Za-z0-9_\-]+)(\r?\n)")
    for _ in range(200):
        for eml in reversed(live.mails()):
            found = pattern.search(eml.read_bytes())
            if found:
                return found.group(1).decode()
        await asyncio.sleep(0.05)  # waits for the in-process worker, not for time to pass
    raise AssertionError(f"no {path} link in {live.mailbox}")


async def run_bash(script: str) -> str:
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", script, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def no_errors(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    for payload in data.values():
        if isinstance(payload, dict) and "userErrors" in payload:
            assert payload["userErrors"] == [], payload
    return data


async def test_readme_walkthrough_works_when_pasted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocks = walkthrough()
    shell = [body for lang, body in blocks if lang == "sh"]
    documents = [body for lang, body in blocks if lang == "graphql"]
    assert shell[0].strip() == "PORTAL_OPERATOR_TOKEN=secret scripts/serve"
    assert "curl" in shell[1]
    assert [d.split("{", 2)[1].split("(")[0].strip() for d in documents] == [
        "requestSignInLink",
        "signInWithLink",
        "me",
        "confirmEmail",
        "updateProfile",
        "updateCompanyDetails",
    ]
    caplog.set_level(logging.INFO)
    env = {"PORTAL_OPERATOR_TOKEN": "secret", "PORTAL_APP_URL": ""}
    async with (
        serve_app(monkeypatch, tmp_path, env=env) as live,
        httpx.AsyncClient(base_url=live.url, timeout=20) as client,
    ):
        port = live.url.rsplit(":", 1)[1]
        values: dict[str, str] = {}

        created = json.loads(
            await run_bash(shell[1].replace("localhost:8000", f"127.0.0.1:{port}"))
        )
        account = no_errors(created)["createBillingAccount"]["billingAccount"]["id"]
        values["BILLING_ACCOUNT_ID"] = account

        async def send(document: str) -> dict[str, Any]:
            for name, value in values.items():
                document = document.replace(name, value)
            headers = {}
            if "SESSION_TOKEN" in values:
                headers["Authorization"] = f"Bearer {values['SESSION_TOKEN']}"
            response = await client.post("/graphql", json={"query": document}, headers=headers)
            assert response.status_code == 200, response.text
            return no_errors(response.json())

        await send(documents[0])
        values["SIGN_IN_TOKEN"] = await token_from_mailbox(live, "/sign-in")
        link = f"  link: http://localhost:{port}/sign-in?token={values['SIGN_IN_TOKEN']}"
        assert link in caplog.text.splitlines(), "the console line shows the plain link"

        signed = await send(documents[1])
        values["SESSION_TOKEN"] = signed["signInWithLink"]["session"]["token"]
        me = (await send(documents[2]))["me"]
        assert me["email"] == "you@example.com"
        assert me["billingAccounts"][0]["id"] == account

        values["CONFIRMATION_TOKEN"] = await token_from_mailbox(live, "/confirm-email")
        confirmed = (await send(documents[3]))["confirmEmail"]["user"]
        assert confirmed == {"email": "you@example.com", "emailConfirmed": True}

        profile = (await send(documents[4]))["updateProfile"]["user"]
        assert profile == {"firstName": "Ada", "lastName": "Lovelace"}
        company = (await send(documents[5]))["updateCompanyDetails"]["billingAccount"]
        assert company["company"] == {
            "name": "Acme Analytics GmbH",
            "taxId": "DE136695976",
            "taxTreatment": "REVERSE_CHARGE",
            "address": {"city": "Berlin"},
        }


async def test_r_conf_1_confirmation_email_tells_the_two_deadlines_apart(
    db: None, services: Services
) -> None:
    """The README said "within 3 days", the email "expires in 24 hours": both are true, and
    the email now says which is which."""
    from resolvers.auth import send_confirmation
    from tests.conftest import emails_to, make_user

    user = await make_user(confirmed=False)
    await send_confirmation(services.clock, user, user.email)
    [mail] = await emails_to(user.email)
    text = " ".join(mail.text_body.split())
    assert "expires in 24 hours" in text
    assert "3 days after your first sign-in" in text
