"""GitLab (gitlab.com or self-managed) over OAuth 2 with PKCE, through authlib's httpx client."""

from __future__ import annotations

import warnings
from typing import Any

import httpx

with warnings.catch_warnings():
    # Authlib 1.9 prefers the `httpx2` package and warns when it falls back to `httpx`,
    # which this project uses; the fallback is the same client API.
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from adapters.gitlab.base import GitLabIdentity, GrantRejected, ProviderUnavailable

SCOPE = "openid profile email"
TIMEOUT = httpx.Timeout(10.0)


async def _raise_on_server_error(response: httpx.Response) -> None:
    if response.status_code >= 500:
        raise ProviderUnavailable(f"GitLab answered {response.status_code}.")


class GitLabOAuth:
    """Authorization-code flow with `state` and PKCE (S256) against `base_url`."""

    def __init__(
        self, base_url: str, client_id: str, client_secret: str, redirect_uri: str
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri

    def _client(self, **kwargs: Any) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=SCOPE,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
            event_hooks={"response": [_raise_on_server_error]},
            **kwargs,
        )

    def authorization_url(self, state: str, code_verifier: str) -> str:
        client = self._client()
        url, _ = client.create_authorization_url(
            f"{self.base_url}/oauth/authorize", state=state, code_verifier=code_verifier
        )
        return str(url)

    async def exchange_code(self, code: str, code_verifier: str) -> str:
        try:
            async with self._client() as client:
                token = await client.fetch_token(
                    f"{self.base_url}/oauth/token", code=code, code_verifier=code_verifier
                )
        except OAuthError as exc:
            if exc.error == "invalid_grant":
                raise GrantRejected(exc.description or "invalid_grant") from exc
            raise ProviderUnavailable(f"GitLab refused the token request: {exc.error}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(str(exc) or type(exc).__name__) from exc
        access_token = token.get("access_token")
        if not isinstance(access_token, str):
            raise ProviderUnavailable("GitLab sent no access token.")
        return access_token

    async def fetch_identity(self, access_token: str) -> GitLabIdentity:
        bearer = {"access_token": access_token, "token_type": "Bearer"}
        try:
            async with self._client(token=bearer) as client:
                response = await client.get(f"{self.base_url}/oauth/userinfo")
                response.raise_for_status()
                info = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(str(exc) or type(exc).__name__) from exc
        return identity_from_userinfo(info)


def identity_from_userinfo(info: Any) -> GitLabIdentity:
    """GitLab's OpenID userinfo: `sub` is the user id, `nickname` the username."""
    if not isinstance(info, dict) or not info.get("sub"):
        raise ProviderUnavailable("GitLab sent an unreadable user profile.")
    username = str(info.get("nickname") or info.get("preferred_username") or "")
    email = info.get("email")
    return GitLabIdentity(
        id=str(info["sub"]),
        username=username,
        name=str(info.get("name") or username),
        email=str(email).strip().lower() if email else None,
        email_verified=info.get("email_verified") is True,
    )
