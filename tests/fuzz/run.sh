#!/usr/bin/env bash
# Runs every fuzz target of the file parsers for a short while (FUZZ_SECONDS each, 15 by
# default), starting from the seeds in seeds/<target>/; what the fuzzer finds new goes to
# corpus/<target>/ and a crashing input to artifacts/<target>/ (both ignored by git).
#
# cargo-fuzz needs a nightly toolchain; on stable, RUSTC_BOOTSTRAP=1 lets it use the
# nightly-only flags. It is installed (cargo install cargo-fuzz) when missing.
# Built without a sanitizer (the crate forbids unsafe code) but with debug assertions, so an
# overflow panics: what is sought is a panic, a hang or unbounded memory on hostile input.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-15}"
targets=(status_csv status_xlsx framework_tree indicator_csv observations_csv observations_sdmx)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# `--fuzz-dir .`: this crate is the fuzz project (cargo-fuzz looks for ./fuzz otherwise).
options=(--fuzz-dir . --sanitizer none --debug-assertions)

cargo fuzz build "${options[@]}"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "fuzzing $target for ${seconds}s"
  cargo fuzz run "${options[@]}" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=131072 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
echo "fuzz smoke run: ${#targets[@]} targets, ${seconds}s each, no crash"
