"""What the portal needs from a GitLab instance: the OAuth 2 / OpenID Connect protocol (R-AUTH-6).

GitLabError
├── GrantRejected        the token endpoint refused the code (`invalid_grant`: expired or used)
└── ProviderUnavailable  connection refused, timeout, 5xx, or an answer we cannot read
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GitLabIdentity:
    """The GitLab account behind an access token, as OpenID userinfo tells it."""

    id: str
    username: str
    name: str
    email: str | None
    email_verified: bool


class GitLabError(Exception):
    pass


class GrantRejected(GitLabError):
    pass


class ProviderUnavailable(GitLabError):
    pass


class GitLabProvider(Protocol):
    def authorization_url(self, state: str, code_verifier: str) -> str:
        """The provider's consent page for this attempt (PKCE S256 challenge of the verifier)."""
        ...

    async def exchange_code(self, code: str, code_verifier: str) -> str:
        """The access token for an authorization code; raises GrantRejected/ProviderUnavailable."""
        ...

    async def fetch_identity(self, access_token: str) -> GitLabIdentity:
        """The account behind an access token; raises ProviderUnavailable."""
        ...
