#!/usr/bin/env bash
# Lints openapi/openapi.json with the pinned Redocly CLI (openapi/package-lock.json) and the
# `recommended` ruleset (openapi/redocly.yaml). Fails on any error or warning.
# Needs Node.js >= 20.19 and npm; installs the linter from the npm registry on first use.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../openapi"

command -v node >/dev/null 2>&1 || { echo "lint-openapi: node is not installed (need Node.js >= 20.19)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "lint-openapi: npm is not installed" >&2; exit 1; }
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "lint-openapi: Node.js $(node --version) is too old; the pinned @redocly/cli needs >= 20.19" >&2
  exit 1
fi

# The linter calls no one: no telemetry, no update check.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

# (Re)install when node_modules is missing or older than package-lock.json. npm writes
# node_modules/.package-lock.json on every install, so its time is the install's time.
if [[ ! -x node_modules/.bin/redocly || ! -f node_modules/.package-lock.json \
      || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

# Human-readable report; exits non-zero on errors (and on problems in redocly.yaml itself).
npx --no -- redocly lint openapi.json --config redocly.yaml --lint-config error

# redocly exits 0 on warnings: count them too, so that any problem fails the lint.
npx --no -- redocly lint openapi.json --config redocly.yaml --lint-config error --format json 2>/dev/null \
  | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        const t = JSON.parse(s).totals;
        if (t.errors || t.warnings) {
          console.error(`lint-openapi: ${t.errors} error(s), ${t.warnings} warning(s)`);
          process.exit(1);
        }
        console.log(`lint-openapi: openapi.json OK (0 errors, 0 warnings, ${t.ignored} ignored by .redocly.lint-ignore.yaml)`);
      });'
