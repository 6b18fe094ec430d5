#!/usr/bin/env python3
"""Times the whole Strategic Plan review report (demo data) in several format lists.

Usage (from the repository root, after `cargo build --release`):

    python3 benches/report.py --runs 9
    python3 benches/report.py --binary /path/to/blueprint-tracker --formats 'html,pdf,png,svg;pdf;docx'

Loads the demo scenario into a fresh SQLite file, then runs `blueprint-tracker report` for each
format list, interleaved, `--runs` times each, as whole processes (opening and checking the
database included), and prints the median of each.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = "ascc-strategic-plan"
AS_OF = "2026-09-30"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "blueprint-tracker"))
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--formats", default="html,pdf,png,svg;html,pdf,docx;pdf;docx;html",
                    help="format lists separated by ';'")
    args = ap.parse_args()
    lists = [f for f in args.formats.split(";") if f]

    work = Path(tempfile.mkdtemp(prefix="bt-report-"))
    env = dict(os.environ, DATABASE_URL=f"sqlite://{work}/bench.db?mode=rwc", RUST_LOG="warn")
    subprocess.run([args.binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    times = {f: [] for f in lists}
    for _ in range(args.runs):
        for formats in lists:
            start = time.perf_counter()
            subprocess.run([args.binary, "report", "--framework", FRAMEWORK, "--as-of", AS_OF,
                            "--format", formats, "--out", str(work / "out")],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            times[formats].append(time.perf_counter() - start)
    print(f"# {FRAMEWORK} as of {AS_OF}, demo data, {args.runs} runs each, interleaved; "
          "medians of whole processes")
    print()
    print("| `--format` | median |")
    print("|---|---|")
    for formats in lists:
        print(f"| `{formats}` | {statistics.median(times[formats]) * 1000:.0f} ms |")
    pdf = work / "out" / f"review-{FRAMEWORK}-{AS_OF}.pdf"
    if pdf.exists():
        print()
        print(f"PDF: {pdf.stat().st_size:,} bytes; files in {work}")


if __name__ == "__main__":
    main()
