#!/usr/bin/env python3
"""Write benchmark: acknowledged single status reports per second over HTTP with 32 concurrent
clients (DESIGN.md §6: at least 2,000/s), then a check that every acknowledged report is stored.

wrk drives 32 connections on 2 threads for --seconds; each POST records one report (a
Secretariat account: validated on entry, audited, lock-checked, the full path of a real
write). Afterwards the stored reports are counted in the database and compared with the 201s.
The server runs with `--write-rate 0` (no per-account limit: the load comes from one account).

Usage (from the repository root, after `cargo build --release`):
    python3 benches/writes.py [--seconds 10] [--connections 32] [--pg]
Needs wrk (Debian package wrk) and, for SQLite, the sqlite3 shell; --pg uses the PostgreSQL
server at 127.0.0.1:5432 (database `bt_bench_writes`, dropped and created).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "blueprint-tracker"
BODY = (
    '{"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,'
    '"effective_date":"2026-03-31","note":"benchmark"}'
)
LUA = r"""
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) created = 0; other = 0 end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  io.write(string.format("CREATED %d\nOTHER %d\nP50_MS %.2f\nP99_MS %.2f\nERRORS %d\n",
    c, o, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, check=True, text=True, capture_output=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    if not BINARY.exists():
        sys.exit("build first: cargo build --release")
    work = Path(tempfile.mkdtemp(prefix="bt-writes-"))
    if args.pg:
        admin = "postgres://postgres@127.0.0.1:5432/postgres"
        subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS bt_bench_writes"], check=True)
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE bt_bench_writes"], check=True)
        url = "postgres://postgres@127.0.0.1:5432/bt_bench_writes"
    else:
        url = f"sqlite://{work}/writes.db?mode=rwc"
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
    token = run([str(BINARY), "user", "add", "bench", "--role", "secretariat"], env).stdout.split()[-1]
    server = subprocess.Popen(
        [str(BINARY), "serve", "--bind", "127.0.0.1:0", "--write-rate", "0"],
        env=env, stdout=subprocess.PIPE, text=True,
    )
    try:
        line = server.stdout.readline()
        port = re.search(r":(\d+)", line.split("http://")[-1]).group(1)
        script = work / "post.lua"
        script.write_text(LUA)
        load_env = dict(env, TOKEN=token, BODY=BODY)
        started = time.perf_counter()
        out = run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
             "-s", str(script), f"http://127.0.0.1:{port}/api/v1/frameworks/ascc-strategic-plan/status"],
            load_env,
        ).stdout
        elapsed = time.perf_counter() - started
        figures = dict(re.findall(r"^(CREATED|OTHER|P50_MS|P99_MS|ERRORS) (\S+)$", out, re.M))
    finally:
        server.terminate()
        server.wait()
    created = int(figures["CREATED"])
    if args.pg:
        stored = int(run(["psql", url, "-tAc", "SELECT count(*) FROM status_reports"], env).stdout)
    else:
        stored = int(run(["sqlite3", str(work / "writes.db"), "SELECT count(*) FROM status_reports"], env).stdout)
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(f"{backend}, {args.connections} connections, {args.seconds} s (wall {elapsed:.1f} s)")
    print(f"  acknowledged (201): {created}  = {created / args.seconds:.0f} reports/s")
    print(f"  other answers: {figures['OTHER']}, socket errors: {figures['ERRORS']}")
    print(f"  latency p50 {figures['P50_MS']} ms, p99 {figures['P99_MS']} ms")
    print(f"  stored: {stored} (acknowledged but not stored: {max(0, created - stored)})")


if __name__ == "__main__":
    main()
