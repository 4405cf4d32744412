# Yici Hub: the API (and web pages) or the scheduler, from one image.
#   docker compose up        (see docker-compose.yml: PostgreSQL, the API, one scheduler process)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY dedup ./dedup
COPY connectors ./connectors
COPY hub ./hub
RUN pip install . && rm -rf /src

# Never run as root; /data is the working directory (SQLite file when no HUB_DATABASE_URL, demo tokens)
# and /srv/drops the place for folder sources' drop folders.
RUN useradd --system --uid 10001 --create-home --home-dir /home/hub hub \
    && mkdir -p /data /srv/drops \
    && chown hub:hub /data /srv/drops
USER hub
WORKDIR /data

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["hub", "serve", "--host", "0.0.0.0"]
