# Customers Portal API image. Used by docker-compose.yml for both the `api`
# replicas (python server.py) and the email `worker` (python -m notifications.worker).
#
# Build stage: installs the project and its dependencies into /opt/venv, and
# picks the application source out of the build context (so a local .venv,
# .git, mailbox/ or SQLite file never reaches the final image).
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY . /src
WORKDIR /src
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install . \
    && mkdir /app \
    && cp -r pyproject.toml server.py /app/ \
    && for d in schema resolvers models notifications adapters documents migrations core routes; do \
           if [ -d "$d" ]; then cp -r "$d" /app/; fi; \
       done \
    && mkdir -p /app/web && cp -r web/dist /app/web/ \
    && find /app -name '__pycache__' -prune -exec rm -rf {} +

# Runtime stage.
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORTAL_HOST=0.0.0.0 \
    PORTAL_PORT=8000 \
    PORTAL_MAILBOX_DIR=/data/mailbox \
    PORTAL_DATABASE_URL=sqlite:///data/portal.sqlite3

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home portal \
    && mkdir -p /data \
    && chown portal:portal /data

COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app

WORKDIR /app
USER portal

EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORTAL_PORT', '8000'), timeout=4)" || exit 1

CMD ["python", "server.py"]
