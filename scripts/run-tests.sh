#!/usr/bin/env bash
# Run the whole test suite (installs the venv, test tools and Debian's chromium when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
bootstrap requirements-test.txt
ensure_chromium
exec .venv/bin/python -m pytest -q tests "$@"
