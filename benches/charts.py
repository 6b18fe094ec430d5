#!/usr/bin/env python3
"""Report benchmark: (1) the review charts as PNG drawn by blueprint-tracker (plotters: the seven
of the report, five of which matplotlib redraws)
and by matplotlib (benches/charts_matplotlib.py) from the same figures, as whole processes side
by side in one run; (2) the whole review report of the Strategic Plan (HTML + PDF + every chart
as PNG and SVG), as one whole `blueprint-tracker report` process.

Usage (from the repository root, after `cargo build --release`; needs `pip install matplotlib`):
    python3 benches/charts.py [--runs 10]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = "ascc-strategic-plan"
AS_OF = "2026-09-30"


def timed(cmd, env):
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "blueprint-tracker"))
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bt-charts-"))
    env = dict(os.environ, DATABASE_URL=f"sqlite://{work}/bench.db?mode=rwc", RUST_LOG="warn")
    subprocess.run([args.binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.binary, "report", "--framework", FRAMEWORK, "--as-of", AS_OF,
                    "--format", "json", "--out", str(work)], env=env, check=True, stdout=subprocess.DEVNULL)
    data = work / f"review-{FRAMEWORK}-{AS_OF}.json"

    ours, theirs, whole = [], [], []
    for i in range(args.runs):
        ours.append(timed([args.binary, "charts", "--data", str(data), "--format", "png",
                           "--out", str(work / "plotters")], env))
        theirs.append(timed([sys.executable, str(ROOT / "benches" / "charts_matplotlib.py"), str(data),
                             str(work / "matplotlib")], env))
        whole.append(timed([args.binary, "report", "--framework", FRAMEWORK, "--as-of", AS_OF,
                            "--format", "html,pdf,png,svg", "--out", str(work / "report")], env))
    o, t, w = statistics.median(ours), statistics.median(theirs), statistics.median(whole)
    print(f"# charts benchmark, {args.runs} runs each, interleaved; medians of whole processes")
    print()
    print("| what | median |")
    print("|---|---|")
    print(f"| 7 charts as PNG, blueprint-tracker (plotters) | {o * 1000:.0f} ms |")
    print(f"| 5 of them as PNG, matplotlib {matplotlib_version()} | {t * 1000:.0f} ms |")
    print(f"| matplotlib ÷ plotters | {t / o:.0f}× |")
    print(f"| whole Strategic Plan report: HTML + PDF + 7 PNG + 7 SVG, indicators section included (`blueprint-tracker report`, incl. opening the database) | {w * 1000:.0f} ms |")
    print()
    print(f"files in {work}")


def matplotlib_version():
    out = subprocess.run([sys.executable, "-c", "import matplotlib; print(matplotlib.__version__)"],
                         capture_output=True, text=True)
    return out.stdout.strip()


if __name__ == "__main__":
    main()
