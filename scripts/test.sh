#!/usr/bin/env bash
# The whole suite, twice: on SQLite, then on a real PostgreSQL server started for it.
# Browser tests (Playwright driving Debian's Chromium) run in both.
set -euo pipefail
cd "$(dirname "$0")/.."
export TAIZHANG_HOME=$(mktemp -d /tmp/taizhang-test.XXXXXX)
trap 'rm -rf "$TAIZHANG_HOME"' EXIT
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider "$@")

echo "== ruff =="
.venv/bin/ruff check taizhang tests bench conftest.py

echo "== SQLite =="
env -u TAIZHANG_DATABASE_URL "${PYTEST[@]}"

echo "== PostgreSQL =="
scripts/with-postgres.sh "${PYTEST[@]}"
