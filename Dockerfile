# Speak Back in a container: `docker compose up -d` (see compose.yaml and README,
# "Running it for real"). The database, its secret and its lock live on the /data volume.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/speakback.db \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080

# A dedicated user without a login; only it can read /data (the database and its secret).
RUN groupadd --system --gid 10001 speakback \
    && useradd --system --uid 10001 --gid speakback --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin speakback \
    && mkdir /data \
    && chown speakback:speakback /data \
    && chmod 0700 /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY db ./db
COPY web ./web
RUN pip install --no-cache-dir .

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080

# /healthz answers 200 once the bot is connected and keeping up, 503 before then.
# Slim images have no curl: Python's own urllib (an HTTP error status raises).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('WEB_PORT', '8080') + '/healthz', timeout=4)"]

# `docker compose run --rm speakback check` (or migrate, sync, ...) runs another command.
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
