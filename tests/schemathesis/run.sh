#!/usr/bin/env bash
# Schemathesis against the running server: the OpenAPI description served at
# /api/v1/openapi.json must be as strict as the server, and the server must keep to it.
#
# Builds the binary if needed, installs schemathesis (PyPI, pinned) when missing, starts
# `serve --demo` on a free port with a fresh SQLite file, creates an admin account through the
# CLI and runs every check on every operation with its bearer token. Bounded: a fixed seed and
# ST_EXAMPLES (default 20) examples per operation. The operations that would end the run's own
# access are left out: revoking a token and disabling an account (the generated names may be
# the admin's own). Exits non-zero on any failure of any check.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN="$ROOT/target/debug/blueprint-tracker"
VERSION=4.32.5
say() { printf '[schemathesis] %s\n' "$*"; }

say "building the binary"
cargo build --quiet --locked --bin blueprint-tracker

if ! command -v st >/dev/null 2>&1 || ! st --version 2>/dev/null | grep -q "$VERSION"; then
  say "installing schemathesis $VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION"
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

export DATABASE_URL="sqlite://$WORK/st.db?mode=rwc"
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
[ -n "$BASE_URL" ] || { say "the server did not start in 120 s"; cat "$WORK/serve.log" >&2; exit 1; }
say "server at $BASE_URL"

TOKEN=$("$BIN" user add schemathesis-admin --role admin | grep -o 'bt_[0-9a-f]*' | head -1)
[ -n "$TOKEN" ] || { say "no token from user add"; exit 1; }

cd "$ROOT/tests/schemathesis"
st --config-file schemathesis.toml run "$BASE_URL/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all \
  --seed "${ST_SEED:-20261205}" \
  --max-examples "${ST_EXAMPLES:-20}" \
  --workers 2 \
  --exclude-operation-id revokeToken \
  --exclude-operation-id disableUser \
  --output-truncate true
