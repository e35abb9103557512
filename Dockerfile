# postmortem-bot, production image: HTTP mode on port 3000, PostgreSQL via DATABASE_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot/ bot/
COPY migrations/ migrations/
RUN pip install ".[postgres]" \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin postmortem \
    && mkdir -p /app/data && chown postmortem /app/data

USER postmortem
# SQLite fallback lives in a volume; set DATABASE_URL to PostgreSQL in production.
ENV DATABASE_URL=sqlite:////app/data/postmortem-bot.db
VOLUME ["/app/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"

# Migrate first (a no-op when current), then serve. exec so the bot gets SIGTERM directly.
CMD ["sh", "-c", "postmortem-bot migrate && exec postmortem-bot run --port 3000"]
