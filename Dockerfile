# The dashboard and review page, for `docker compose up` (compose.yaml adds PostgreSQL).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# chromium: chart image downloads (kaleido); curl: the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .

# Run as an ordinary user; data/ stays writable for the embedded SQLite fallback.
RUN useradd --create-home --uid 10001 positions && chown -R positions /app/data
USER positions

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8501/_stcore/health || exit 1

# Migrate (and, on an empty database, load the bundled statements), then serve.
CMD ["sh", "-c", "python -m positions db upgrade --seed && exec python -m streamlit run dashboard.py --server.port=8501 --server.address=0.0.0.0 --browser.gatherUsageStats=false"]
