# Sourced by tests/e2e/run.sh and tests/schemathesis/run.sh: starts `serve --demo` on a free
# port with a fresh SQLite file in a temporary folder, sets BASE_URL, WORK (the folder) and
# SERVER_PID, and stops the server and removes the folder when the script exits.
# Needs BIN (the binary) and a `say` function.
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

export DATABASE_URL="sqlite://$WORK/demo.db?mode=rwc"
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
