#!/usr/bin/env bash
# Run the whole test suite (installs the venv, test tools and Debian's chromium when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
bootstrap requirements-test.txt
ensure_chromium
# The database-store tests start a real PostgreSQL server (tests/pg_server.py) from Debian's package.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "installing Debian's postgresql (the database tests start a throw-away server)" >&2
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
exec .venv/bin/python -m pytest -q tests "$@"
