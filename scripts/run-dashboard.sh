#!/usr/bin/env bash
# Start the dashboard on the bundled data: http://127.0.0.1:8501 (PORT=... to change).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
bootstrap requirements.txt
ensure_chromium
exec .venv/bin/python -m streamlit run dashboard.py --server.address "${ADDRESS:-127.0.0.1}" --server.port "${PORT:-8501}"
