"""GitLab sign-in behind one protocol (R-AUTH-6/7); `provider_from_settings` builds the real one."""

from __future__ import annotations

from adapters.gitlab.base import (
    GitLabError,
    GitLabIdentity,
    GitLabProvider,
    GrantRejected,
    ProviderUnavailable,
)
from adapters.gitlab.oauth import GitLabOAuth
from core.settings import Settings

__all__ = [
    "CALLBACK_PATH",
    "GitLabError",
    "GitLabIdentity",
    "GitLabOAuth",
    "GitLabProvider",
    "GrantRejected",
    "ProviderUnavailable",
    "provider_from_settings",
]

CALLBACK_PATH = "/auth/gitlab/callback"


def provider_from_settings(settings: Settings) -> GitLabProvider | None:
    """The configured GitLab instance, or None when no OAuth application is set up."""
    if not settings.gitlab_client_id or settings.gitlab_client_secret is None:
        return None
    return GitLabOAuth(
        base_url=settings.gitlab_url,
        client_id=settings.gitlab_client_id,
        client_secret=settings.gitlab_client_secret.get_secret_value(),
        redirect_uri=settings.public_url.rstrip("/") + CALLBACK_PATH,
    )
