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

# The server (tests/serve-demo.sh sets BASE_URL and stops it on exit).
# shellcheck source=../serve-demo.sh
source "$ROOT/tests/serve-demo.sh"

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
