#!/usr/bin/env bash
# Regenerates the example review reports from the shipped reference data and the demo
# scenario (illustrative, not official data):
#
#   reports/regenerate.sh [OUT_DIR]        # default: reports/examples
#
# Fixed dates (as of and generation time) make the output reproducible: the test
# reports::the_committed_examples_are_what_the_code_renders renders them again and fails when
# anything differs from the committed examples.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-reports/examples}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DATABASE_URL="sqlite://$work/examples.db?mode=rwc" RUST_LOG=warn
cargo build -q --bin blueprint-tracker
bin=target/debug/blueprint-tracker
"$bin" demo >/dev/null
mkdir -p "$out"
rm -f "$out"/review-*
generated_at=2026-10-01T00:00:00Z
for spec in ascc-blueprint-2025:2025-12-31 ascc-strategic-plan:2026-09-30; do
  "$bin" report --framework "${spec%%:*}" --as-of "${spec##*:}" \
    --format html,pdf,docx,csv,json,png --out "$out" --generated-at "$generated_at" >/dev/null
done
echo "example reports written to $out:"
ls "$out"
