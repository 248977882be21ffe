"""The container deployment: docker-compose.yml and the Dockerfile.

No Docker engine is needed: the files are read and their wiring checked. The
stack runs several api instances that share a Redis broadcast channel
(R-NOT-3) and a separate email worker that delivers through a mail server
(R-NOT-4).
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pytest
import yaml

ROOT = Path(__file__).parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
RUNTIME_MD = Path(__file__).parents[1].parent / "shared" / "RUNTIME.md"

# The settings table of shared/RUNTIME.md, used when that file is not beside the repo.
KNOWN_SETTINGS = frozenset(
    {
        "PORTAL_DATABASE_URL",
        "PORTAL_BROADCAST_URL",
        "PORTAL_SMTP_URL",
        "PORTAL_MAILBOX_DIR",
        "PORTAL_MAIL_FROM",
        "PORTAL_PUBLIC_URL",
        "PORTAL_APP_URL",
        "PORTAL_OPERATOR_TOKEN",
        "PORTAL_SECRET_KEY",
        "PORTAL_HOST",
        "PORTAL_PORT",
        "PORTAL_RUN_WORKER",
        "PORTAL_GITLAB_URL",
        "PORTAL_GITLAB_CLIENT_ID",
        "PORTAL_GITLAB_CLIENT_SECRET",
        "PORTAL_CORS_ORIGINS",
        "PORTAL_GRAPHIQL",
    }
)

# Settings that only the HTTP instances need; everything else api and worker share.
# The worker serves no HTTP: listening address, in-process worker and proxy trust are api-only.
API_ONLY_SETTINGS = frozenset(
    {"PORTAL_HOST", "PORTAL_PORT", "PORTAL_RUN_WORKER", "PORTAL_TRUSTED_PROXIES"}
)

WORKER_COMMAND = ["python", "-m", "notifications.worker"]
SERVER_COMMAND = ["python", "server.py"]

_PORTAL_NAME = re.compile(r"\bPORTAL_[A-Z0-9_]+")
_INTERPOLATION = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
)


# --- reading the files ------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


def service(name: str) -> dict[str, Any]:
    services = compose().get("services", {})
    assert name in services, f"docker-compose.yml has no `{name}` service"
    svc = services[name]
    assert isinstance(svc, dict)
    return svc


def resolve(value: object) -> str:
    """The value compose would use with none of its `${VAR}` set on the host."""

    def substitute(match: re.Match[str]) -> str:
        op, arg = match["op"] or "", match["arg"] or ""
        return arg if op in ("-", ":-") else ""

    return _INTERPOLATION.sub(substitute, str(value)).replace("$$", "$")


def environment(name: str) -> dict[str, str]:
    env = service(name).get("environment", {})
    if isinstance(env, list):  # the `- NAME=value` form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    assert isinstance(env, dict), f"`{name}`: environment is neither a mapping nor a list"
    return {str(key): resolve(value) for key, value in env.items()}


def setting_url(name: str, setting: str) -> SplitResult:
    env = environment(name)
    assert setting in env, f"`{name}` does not set {setting}"
    return urlsplit(env[setting])


def image_of(name: str) -> str:
    return resolve(service(name).get("image", ""))


def service_with_image(prefix: str) -> str:
    matches = [str(name) for name in compose()["services"] if image_of(name).startswith(prefix)]
    assert len(matches) == 1, f"expected one service running an image `{prefix}*`: {matches}"
    return matches[0]


def depends_on(name: str) -> dict[str, str]:
    deps = service(name).get("depends_on", {})
    if isinstance(deps, list):  # the short form waits only for the start
        return {dep: "service_started" for dep in deps}
    return {
        dep: str((spec or {}).get("condition", "service_started")) for dep, spec in deps.items()
    }


def compose_portal_names() -> set[str]:
    """Every PORTAL_* name in the file: environment keys, `${...}` and comments."""
    return set(_PORTAL_NAME.findall(COMPOSE_FILE.read_text(encoding="utf-8")))


@cache
def runtime_settings() -> frozenset[str]:
    """Setting names from the settings table of shared/RUNTIME.md (or the known list)."""
    if not RUNTIME_MD.exists():
        return KNOWN_SETTINGS
    text = RUNTIME_MD.read_text(encoding="utf-8")
    assert "## Settings" in text, f"{RUNTIME_MD} has no `## Settings` section"
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        cells = line.split("|")
        if line.lstrip().startswith("|") and len(cells) > 2:
            names.update(re.findall(r"`(PORTAL_[A-Z0-9_]+)`", cells[1]))
    assert names, f"no PORTAL_* names found in the settings table of {RUNTIME_MD}"
    return frozenset(names)


def settings_env_names() -> set[str]:
    """The environment names `core.settings.Settings` reads."""
    try:
        from core.settings import Settings
    except Exception as exc:
        pytest.fail(
            "core.settings.Settings (pydantic-settings, env_prefix 'PORTAL_') "
            f"could not be imported, so docker-compose.yml cannot be checked against it: {exc!r}"
        )
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        aliases: list[object] = [field.alias, field.validation_alias]
        aliases += list(getattr(field.validation_alias, "choices", []))
        names.update(alias.upper() for alias in aliases if isinstance(alias, str))
    return names


def dockerfile_final_stage() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile's last stage."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\s*\n", " ", "\n".join(lines))
    stages: list[list[tuple[str, str]]] = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        instruction, _, args = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        assert stages, "Dockerfile: an instruction before the first FROM"
        stages[-1].append((instruction.upper(), args.strip()))
    return stages[-1]


def dockerfile_args(instruction: str) -> list[str]:
    return [args for name, args in dockerfile_final_stage() if name == instruction]


# --- settings names ---------------------------------------------------------


def test_compose_uses_only_runtime_setting_names() -> None:
    """Every PORTAL_* name in docker-compose.yml is a setting of RUNTIME.md, or one the
    project added (a field of `core.settings.Settings`)."""
    from core.settings import Settings

    added = {f"PORTAL_{name.upper()}" for name in Settings.model_fields}
    unknown = compose_portal_names() - runtime_settings() - added
    assert not unknown, f"not settings: {sorted(unknown)}"


def test_compose_uses_only_names_the_settings_class_reads() -> None:
    """Every PORTAL_* name in docker-compose.yml is a field of core.settings.Settings."""
    unread = compose_portal_names() - settings_env_names()
    assert not unread, f"set in docker-compose.yml but not read by Settings: {sorted(unread)}"


# --- several instances (R-NOT-3) ----------------------------------------------


def test_api_runs_two_replicas_behind_one_published_port() -> None:
    """R-NOT-3: several api instances serve the one public address."""
    api = service("api")
    assert api.get("deploy", {}).get("replicas") == 2
    assert "container_name" not in api, "a fixed container name allows one replica only"
    for port in api.get("ports", []):
        published = str(port).rsplit(":", 1)[0]
        assert "-" in published, f"api publishes a fixed host port {port!r}; replicas collide"
    if "ports" not in api:
        proxy = service("proxy")
        assert any(str(port).startswith("8000:") for port in proxy.get("ports", []))
        assert "api:8000" in " ".join(map(str, proxy.get("command", [])))
        assert depends_on("proxy").get("api") == "service_healthy"


def test_instances_share_redis_broadcast() -> None:
    """R-NOT-3: api replicas and worker publish and listen on one Redis channel."""
    url = setting_url("api", "PORTAL_BROADCAST_URL")
    redis = service_with_image("redis")
    assert url.scheme == "redis"
    assert url.hostname == redis
    assert (url.port or 6379) == 6379
    assert (
        environment("worker")["PORTAL_BROADCAST_URL"] == environment("api")["PORTAL_BROADCAST_URL"]
    )


def test_api_and_worker_wait_for_healthy_postgres_and_redis() -> None:
    """The app starts only once the database and the broadcast channel answer."""
    for backing in ("postgres", "redis"):
        assert service(backing).get("healthcheck", {}).get("test"), f"{backing}: no healthcheck"
        for name in ("api", "worker"):
            assert depends_on(name).get(backing) == "service_healthy", (
                f"`{name}` must depend on `{backing}` with condition: service_healthy"
            )


def test_database_url_points_at_postgres_service() -> None:
    url = setting_url("api", "PORTAL_DATABASE_URL")
    postgres = service_with_image("postgres")
    env = environment(postgres)
    assert url.scheme in ("postgres", "asyncpg")
    assert url.hostname == postgres
    assert (url.port or 5432) == 5432
    assert url.username == env["POSTGRES_USER"]
    assert url.password == env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == env.get("POSTGRES_DB", env["POSTGRES_USER"])
    assert any(
        str(volume).endswith(":/var/lib/postgresql/data")
        for volume in service(postgres).get("volumes", [])
    ), "postgres data is not on a volume"


# --- a mail server and a separate worker (R-NOT-4) ----------------------------


def test_smtp_url_points_at_mail_catcher_smtp_port() -> None:
    """R-NOT-4: mail goes to a real SMTP server, the mail catcher's SMTP port."""
    url = setting_url("worker", "PORTAL_SMTP_URL")
    mailpit = service_with_image("axllent/mailpit")
    bind = environment(mailpit).get("MP_SMTP_BIND_ADDR", "0.0.0.0:1025")
    assert url.scheme == "smtp"
    assert url.hostname == mailpit
    assert url.port == int(bind.rsplit(":", 1)[1])
    assert any(str(port).endswith(":8025") for port in service(mailpit).get("ports", [])), (
        "the mail catcher's web inbox (8025) is not published"
    )


def test_worker_is_a_separate_process_with_the_api_image_and_settings() -> None:
    """R-NOT-4: a separate worker delivers email; the api instances do not."""
    api, worker = service("api"), service("worker")
    assert worker.get("command") == WORKER_COMMAND
    assert worker.get("image") == api.get("image")
    assert worker.get("build") == api.get("build")
    assert "deploy" not in worker or worker["deploy"].get("replicas", 1) >= 1
    api_env, worker_env = environment("api"), environment("worker")
    shared = {k: v for k, v in api_env.items() if k not in API_ONLY_SETTINGS}
    assert {k: worker_env.get(k) for k in shared} == shared
    assert api_env.get("PORTAL_RUN_WORKER", "true").lower() in ("false", "0", "no", "off")
    assert worker.get("healthcheck", {}).get("disable") is True, (
        "the image's HTTP healthcheck would mark the worker unhealthy"
    )


def test_api_settings_for_containers() -> None:
    env = environment("api")
    assert env["PORTAL_HOST"] == "0.0.0.0"
    assert env.get("PORTAL_PORT", "8000") == "8000"
    for setting in ("PORTAL_PUBLIC_URL", "PORTAL_APP_URL", "PORTAL_OPERATOR_TOKEN"):
        assert env.get(setting), f"api: {setting} is empty"
    assert env.get("PORTAL_SECRET_KEY"), "replicas must share one PORTAL_SECRET_KEY"


def test_processes_started_by_compose_exist() -> None:
    """The commands the image and compose run name real files and modules."""
    assert (ROOT / "server.py").is_file(), "server.py is missing at the repository root"
    module = WORKER_COMMAND[-1]
    assert importlib.util.find_spec(module) is not None, f"module {module} is missing"


# --- the image ------------------------------------------------------------------


def test_dockerfile_runs_server_py() -> None:
    cmd = dockerfile_args("CMD")
    assert cmd, "Dockerfile has no CMD"
    assert json.loads(cmd[-1]) == SERVER_COMMAND
    assert service("api").get("command", SERVER_COMMAND) == SERVER_COMMAND


def test_dockerfile_serves_as_non_root_on_all_interfaces() -> None:
    stage = dockerfile_final_stage()
    assert stage[0][1].startswith("python:3.11-slim")
    users = dockerfile_args("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0"), "runs as root"
    assert "8000" in " ".join(dockerfile_args("EXPOSE")).split()
    assert "PORTAL_HOST=0.0.0.0" in " ".join(dockerfile_args("ENV")).split()
    healthcheck = " ".join(dockerfile_args("HEALTHCHECK"))
    assert "/healthz" in healthcheck
    assert "python" in healthcheck


def test_r_auth_3_api_sees_real_client_addresses_behind_the_proxy() -> None:
    """R-AUTH-3: per-client sign-in limits need the client's address, not the proxy's."""
    api_env = compose()["services"]["api"]["environment"]
    trusted = api_env.get("PORTAL_TRUSTED_PROXIES", "")
    assert "172.16.0.0/12" in trusted, "the compose network's proxy must be trusted"
    assert "*" not in trusted and "0.0.0.0/0" not in trusted, "never trust every peer"


def test_r_sub_3_renewals_run_as_a_service() -> None:
    """R-SUB-3: production renews every day: a renewals service on the api image."""
    renewals, api = service("renewals"), service("api")
    assert renewals.get("command") == ["python", "-m", "resolvers.renewals", "--every", "24"]
    assert renewals.get("image") == api.get("image")
    assert (
        environment("renewals")["PORTAL_DATABASE_URL"] == environment("api")["PORTAL_DATABASE_URL"]
    )


# --- reproducible images ----------------------------------------------------------

_PINNED = re.compile(r"^[^:@\s]+(:(?P<tag>[^@\s]+))?(@sha256:[0-9a-f]{64})?$")


def test_third_party_images_are_pinned_to_versions() -> None:
    """`postgres:16` or `caddy:2` moves under a running deployment; a full version tag
    (16.6, 2.8.4, v1.21.0) or a digest does not. Only the image compose builds is exempt."""
    loose = []
    for name, svc in compose()["services"].items():
        if "build" in svc:
            continue
        image = image_of(name)
        match = _PINNED.match(image)
        tag = (match and match["tag"]) or ""
        if "@sha256:" in image:
            continue
        if not re.fullmatch(r"v?\d+\.\d+(\.\d+)?([.-][\w.]+)?", tag):
            loose.append(f"{name}: {image}")
    assert loose == [], f"pin these images to a version: {loose}"
