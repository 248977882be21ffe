"""Long-lived services of the process, built once at start-up and handed down through the
request context (`info.context.services`, `request.app.state.services`)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.gitlab import CALLBACK_PATH, GitLabProvider, provider_from_settings
from core.settings import Settings, get_settings

__all__ = ["CALLBACK_PATH", "Services"]


@dataclass(frozen=True)
class Services:
    settings: Settings
    gitlab: GitLabProvider | None
    """The configured GitLab instance (R-AUTH-6), or None when sign-in with it is off."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Services:
        settings = settings or get_settings()
        return cls(settings=settings, gitlab=provider_from_settings(settings))
