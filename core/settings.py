"""Settings from the environment, named as RUNTIME.md names them (prefix `PORTAL_`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    database_url: str = "sqlite://./portal.sqlite3"
    broadcast_url: str = "memory://"
    smtp_url: SecretStr | None = None
    mailbox_dir: Path = Path("./mailbox")
    mail_from: str = "Customers Portal <noreply@localhost>"
    public_url: str = ""  # empty: derived from host and port (see `_derive_public_url`)
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
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    # /metrics: "operator" (bearer PORTAL_OPERATOR_TOKEN; off without one), "open", "off".
    metrics: Literal["operator", "open", "off"] = "operator"
    # The seller printed on invoices. Taxed invoices are refused without a seller tax id.
    seller_name: str = "Example Software Inc."
    seller_address: str = ""  # comma-separated lines
    seller_country: str | None = None  # ISO 3166-1 alpha-2, printed as the country's name
    seller_tax_id: str | None = None

    # Hostile input (R-ERR-3): every limit a caller can hit. Sizes in bytes or characters.
    max_body_bytes: int = 1_000_000
    max_json_depth: int = 32
    max_ws_message_bytes: int = 64_000
    max_ws_connections_per_session: int = 10
    graphql_max_query_chars: int = 30_000
    graphql_max_tokens: int = 3000
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    graphql_max_fields: int = 2000  # per request (a batch together), fragments expanded
    graphql_max_overlaps: int = 2000  # same-named field pairs to merge, per request
    graphql_introspection: bool = True  # production: false
    graphql_suggestions: bool = True  # "Did you mean …?"; production: false
    graphql_persisted_queries: bool = True  # Apollo automatic persisted queries
    graphql_trusted_documents: Path | None = None  # manifest: only these documents run
    payment_settle_after_minutes: int = 15
    payment_reconcile_interval_seconds: int = 60

    @model_validator(mode="after")
    def _derive_public_url(self) -> Settings:
        """Without PORTAL_PUBLIC_URL, links point at where `python server.py` listens."""
        if not self.public_url.strip():
            self.public_url = local_url(self.host, self.port)
        return self

    @model_validator(mode="after")
    def _demo_seller(self) -> Settings:
        """PORTAL_DEMO without a seller: an obviously fictitious one, so demo invoices issue."""
        if self.demo and not self.seller_tax_id:
            self.seller_name = "Example Software GmbH (demo seller)"
            self.seller_address = "Musterstraße 1, 10115 Berlin"
            self.seller_country = "DE"
            self.seller_tax_id = "DE811907980"
        return self

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


def local_url(host: str, port: int) -> str:
    """`http://host:port` for a listening address; loopback and wildcard become localhost."""
    if host in ("", "127.0.0.1", "0.0.0.0", "::", "[::]"):  # noqa: S104 - a name, not a bind
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
