#!/usr/bin/env bash
# Installs the checkers the test suite runs on a node's output (idempotent, one run at a time):
#  - promtool (Debian package prometheus) for `promtool check metrics` on GET /metrics;
#  - @redocly/cli (npm, pinned in scripts/lint/package-lock.json) for `redocly lint` of openapi.json.
# Prints where they are: PROMTOOL=... and REDOCLY=...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# One install at a time: bin/test starts one in the background while Maven builds, and
# LintToolsTest runs this script again, waiting here for that install to finish.
exec 9>"$ROOT/scripts/lint/.lock"
flock 9

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y -q prometheus >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q prometheus >/dev/null; }) \
      || { echo "lint-tools: could not install prometheus (promtool)" >&2; exit 1; }
  else
    echo "lint-tools: promtool missing; install Debian's prometheus package (as root)" >&2; exit 1
  fi
fi

if [ ! -x "$ROOT/scripts/lint/node_modules/.bin/redocly" ]; then
  (cd "$ROOT/scripts/lint" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || { echo "lint-tools: npm ci in scripts/lint failed" >&2; exit 1; }
fi

echo "PROMTOOL=$(command -v promtool)"
echo "REDOCLY=$ROOT/scripts/lint/node_modules/.bin/redocly"
