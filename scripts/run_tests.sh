#!/usr/bin/env bash
# Set up what the test suite needs beyond Python packages, then run it.
# - Chromium (Debian package) for the dashboard's browser tests
# - a PostgreSQL server on 127.0.0.1 for the store's PostgreSQL tests
# Both are installed with apt-get when missing and we are root; without them the
# tests that need them are skipped (and say so), never silently passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x scripts/install_browser.sh ] || [ -f scripts/install_browser.sh ]; then
  bash scripts/install_browser.sh || echo "warning: Chromium could not be installed; browser tests will skip" >&2
fi
if [ -f scripts/start_postgres.sh ]; then
  if url=$(bash scripts/start_postgres.sh | tail -n 1) && [ -n "$url" ]; then
    export EVENTWIRE_TEST_PG="$url"
    echo "PostgreSQL for tests: $EVENTWIRE_TEST_PG"
  else
    echo "warning: PostgreSQL could not be started; PostgreSQL tests will skip" >&2
  fi
fi

exec python -m pytest -q -rs "$@"
