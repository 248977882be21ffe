"""Settings from the environment, named as RUNTIME.md names them (prefix `PORTAL_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    database_url: str = "sqlite://./portal.sqlite3"
    broadcast_url: str = "memory://"
    smtp_url: SecretStr | None = None
    mailbox_dir: Path = Path("./mailbox")
    mail_from: str = "Customers Portal <noreply@localhost>"
    public_url: str = "http://localhost:8000"
    app_url: str | None = None
    operator_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    run_worker: bool = True
    gitlab_url: str = "https://gitlab.com"
    gitlab_client_id: str | None = None
    gitlab_client_secret: SecretStr | None = None
    cors_origins: str = ""
    graphiql: bool = True
    trusted_proxies: str = ""

    # Beyond RUNTIME.md: tuning knobs with safe defaults.
    payment_gateway: str = "sandbox"
    demo: bool = False
    email_confirmation_grace_days: int = 3
    session_days: int = 30
    sign_in_response_floor_ms: int = 200
    sign_in_limit_per_email: int = 5
    sign_in_limit_per_client: int = 30
    rate_limit_window_minutes: int = 60
    support_email_domain: str = "example.com"
    seller_name: str = "Example Software Inc."
    seller_address: str = "1 Market Street, San Francisco, CA 94105, US"
    seller_tax_id: str = "US 12-3456789"

    @property
    def app_base_url(self) -> str:
        return (self.app_url or self.public_url).rstrip("/")

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        """Proxies whose `X-Forwarded-For` is believed (addresses or CIDR networks)."""
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
