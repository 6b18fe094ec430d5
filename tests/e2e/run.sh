#!/usr/bin/env bash
# End-to-end tests of the web pages in headless Chromium (issue 6).
#
# Builds the binary if needed, starts `serve --demo` on a free port with a fresh SQLite file
# in a temporary folder, creates a focal point for Viet Nam and a Secretariat account, installs
# what is missing (Debian's chromium with apt-get, the npm packages with `npm ci`), and runs
# tests/e2e/e2e.test.mjs with node's test runner. Screenshots of the main pages and the axe-core
# summary go to target/e2e-screenshots/. With UPDATE_README_SCREENSHOT=1 the dashboard
# screenshot for the README is also written to tests/e2e/screenshots/dashboard.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
E2E="$ROOT/tests/e2e"
SHOTS="$ROOT/target/e2e-screenshots"
BIN="$ROOT/target/debug/blueprint-tracker"

say() { printf '[e2e] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The binary (a no-op when it is up to date).
say "building the binary"
cargo build --quiet --locked --bin blueprint-tracker

# Chromium from Debian (a test tool's own browser download fails here), and node.
if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "installing node and npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
# playwright-core and axe-core, exactly as locked (no browser download: playwright-core has none).
if [ ! -d "$E2E/node_modules/playwright-core" ] || [ ! -d "$E2E/node_modules/axe-core" ] \
  || [ "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; then
  say "installing the npm packages (npm ci)"
  (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
fi

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$WORK/e2e.db?mode=rwc"
say "starting serve --demo on a free port (database in $WORK)"
"$BIN" serve --demo --bind 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER_PID=$!
BASE_URL=""
for _ in $(seq 1 240); do
  BASE_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.out" 2>/dev/null | head -1 || true)
  [ -n "$BASE_URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    say "the server stopped:"; cat "$WORK/serve.log" >&2; exit 1
  fi
  sleep 0.5
done
if [ -z "$BASE_URL" ]; then
  say "the server did not start in 120 s:"; cat "$WORK/serve.log" >&2; exit 1
fi
say "server at $BASE_URL"

# Accounts, through the CLI as the operator would (the server has migrated the database).
FOCAL_NAME=e2e-hanoi
SECRETARIAT_NAME=e2e-secretariat
FOCAL_PASSWORD="e2e $(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
SECRETARIAT_PASSWORD="e2e $(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$FOCAL_PASSWORD" | "$BIN" user add "$FOCAL_NAME" --role focal_point --state VNM --password-stdin >/dev/null
printf '%s\n' "$SECRETARIAT_PASSWORD" | "$BIN" user add "$SECRETARIAT_NAME" --role secretariat --password-stdin >/dev/null

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
README_SCREENSHOT=""
if [ "${UPDATE_README_SCREENSHOT:-}" = 1 ]; then
  README_SCREENSHOT="$E2E/screenshots/dashboard.png"
fi
say "running the tests (screenshots in $SHOTS)"
cd "$E2E"
BASE_URL="$BASE_URL" SCREENSHOT_DIR="$SHOTS" CHROMIUM=/usr/bin/chromium \
  FOCAL_NAME="$FOCAL_NAME" FOCAL_PASSWORD="$FOCAL_PASSWORD" \
  SECRETARIAT_NAME="$SECRETARIAT_NAME" SECRETARIAT_PASSWORD="$SECRETARIAT_PASSWORD" \
  README_SCREENSHOT="$README_SCREENSHOT" \
  node --test --test-concurrency=1 --test-timeout=180000 e2e.test.mjs
