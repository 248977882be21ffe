"""Settings (core/settings.py): the public URL follows where the server listens."""

from __future__ import annotations

import pytest

from core.settings import Settings


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8000, "http://localhost:8000"),
        ("127.0.0.1", 18100, "http://localhost:18100"),
        ("0.0.0.0", 9000, "http://localhost:9000"),
        ("portal.internal", 8080, "http://portal.internal:8080"),
        ("::1", 8000, "http://[::1]:8000"),
    ],
)
def test_public_url_is_derived_from_host_and_port(
    host: str, port: int, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PORTAL_PORT=18100 and no PORTAL_PUBLIC_URL, links used to say localhost:8000."""
    monkeypatch.delenv("PORTAL_APP_URL")
    settings = Settings(host=host, port=port)
    assert settings.public_url == expected
    assert settings.app_base_url == expected


def test_set_public_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_PORT", "18100")
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://api.example.com/")
    settings = Settings()
    assert settings.public_url == "https://api.example.com/"
    assert settings.app_base_url == "http://app.test"  # PORTAL_APP_URL (set for every test)


def test_port_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_PORT", "18100")
    monkeypatch.delenv("PORTAL_APP_URL")
    assert Settings().app_base_url == "http://localhost:18100"
