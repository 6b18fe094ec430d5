#!/usr/bin/env python3
"""Figures benchmark: the whole-framework member-state comparison over ~1,000,000 status reports,
served by blueprint-tracker over HTTP (warm), side by side with the best hand-written SQL for the
same figures run by the sqlite3 shell on the same database file. Also times /progress and a
monthly /timeline, the synthetic load, the server's start (index build) and its peak memory.

Checks that the SQL and the API give the same figures before timing anything.

Usage (from the repository root, after `cargo build --release`):
    python3 benches/figures.py [--measures 2000] [--per-pair 40] [--runs 30] [--dir /tmp/bt-bench]
Standard library only; needs the `sqlite3` shell (Debian package sqlite3).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "benches" / "sql"
FRAMEWORK = "synthetic"
DATES = ["2026-03-31", "2026-06-30", "2026-09-30"]
# The covering index a careful SQL author would add for the as-of lookup (the bench adds it to
# the file; the server does not need it).
COVERING_INDEX = (
    "CREATE INDEX IF NOT EXISTS bench_pair_latest ON status_reports"
    "(measure_id, scope, effective_date, recorded_at, id, status, progress);"
)


def median_ms(samples):
    return statistics.median(samples) * 1000


def p95_ms(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def start_server(binary, url):
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [binary, "serve", "--bind", "127.0.0.1:0"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    ready = time.perf_counter() - started
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, int(match.group(1)), ready


def get(conn, path):
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"GET {path}: {response.status} {body[:300]!r}")
    return body


def time_http(port, path, runs):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(3):  # warm
        get(conn, path)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        get(conn, path)
        samples.append(time.perf_counter() - t)
    conn.close()
    return samples


def sql_text(name, as_of):
    return (SQL_DIR / f"{name}.sql").read_text().replace("@FW@", FRAMEWORK).replace("@AS_OF@", as_of)


def run_sql(db, name, as_of):
    """One sqlite3 shell process; returns (rows, query time from .timer, whole process time)."""
    script = ".timer on\n" + sql_text(name, as_of)
    t = time.perf_counter()
    out = subprocess.run(["sqlite3", db], input=script, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    rows, query = [], None
    for line in out.stdout.splitlines():
        m = re.match(r"Run Time: real ([0-9.]+)", line)
        if m:
            query = float(m.group(1))
        elif "|" in line:
            rows.append(line.split("|"))
    return rows, query, wall


def api_figures(compare):
    """The API's compare answer as {row: (measures, completed, ongoing, not_started, n/a, points)}."""
    key = lambda r: (r["measures"], r["completed"], r["ongoing"], r["not_started"], r["not_applicable"], r["progress_points"])
    figures = {s["state"]: key(s) for s in compare["states"]}
    figures["ASEAN"] = key(compare["regional"])
    figures["cells"] = key(compare["cells"])
    figures["all_states"] = key(compare["all_states"])
    return figures


def time_read_after_write(binary, url, port, runs):
    """Each run records one report, then times the comparison that must already count it."""
    out = subprocess.run(
        [binary, "--database-url", url, "user", "add", f"bench-{time.time_ns()}", "--role", "secretariat"],
        env=dict(os.environ, RUST_LOG="warn"), capture_output=True, text=True, check=True,
    )
    token = out.stdout.strip().splitlines()[-1]
    conn = http.client.HTTPConnection("127.0.0.1", port)
    samples = []
    for i in range(runs):
        body = json.dumps({"measure": f"G1.1.{i % 20 + 1}", "scope": "VNM", "status": "completed",
                           "effective_date": "2026-06-30"})
        conn.request("POST", f"/api/v1/frameworks/{FRAMEWORK}/status", body=body,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status != 201:
            sys.exit(f"write refused: {response.status}")
        t = time.perf_counter()
        get(conn, f"/api/v1/frameworks/{FRAMEWORK}/compare?as_of=2026-09-30")
        samples.append(time.perf_counter() - t)
    conn.close()
    return samples


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(m.group(1)) / 1024 if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "blueprint-tracker"))
    ap.add_argument("--dir", default="/tmp/bt-bench")
    ap.add_argument("--measures", type=int, default=2000)
    ap.add_argument("--per-pair", type=int, default=40)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--sql-runs", type=int, default=7)
    args = ap.parse_args()

    Path(args.dir).mkdir(parents=True, exist_ok=True)
    db = str(Path(args.dir) / f"synthetic-{args.measures}x{args.per_pair}.db")
    url = f"sqlite://{db}?mode=rwc"
    print(f"# figures benchmark: {args.measures} measures × 12 scopes × ~{args.per_pair} reports; {db}")

    t = time.perf_counter()
    load = subprocess.run(
        [args.binary, "--database-url", url, "demo", "--synthetic",
         "--measures", str(args.measures), "--reports-per-pair", str(args.per_pair)],
        env=dict(os.environ, RUST_LOG="warn"), capture_output=True, text=True, check=True,
    )
    print(f"load: {load.stdout.strip()} (whole process {time.perf_counter() - t:.1f} s)")
    reports = subprocess.run(
        ["sqlite3", db, "SELECT count(*) FROM status_reports r JOIN frameworks f ON f.id = r.framework_id "
         f"WHERE f.code = '{FRAMEWORK}'"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"status reports in the framework: {reports}")
    subprocess.run(["sqlite3", db, COVERING_INDEX + " ANALYZE;"], check=True)

    server, port, ready = start_server(args.binary, url)
    print(f"server start to listening (migrations + index of every report): {ready:.2f} s")
    results = []
    try:
        for as_of in DATES:
            compare_path = f"/api/v1/frameworks/{FRAMEWORK}/compare?as_of={as_of}"
            conn = http.client.HTTPConnection("127.0.0.1", port)
            api = api_figures(json.loads(get(conn, compare_path)))
            conn.close()
            for variant in ["compare_correlated", "compare_window"]:
                rows, _, _ = run_sql(db, variant, as_of)
                sql = {r[0]: tuple(int(x) for x in r[1:]) for r in rows}
                if sql != api:
                    diff = {k: (sql.get(k), api.get(k)) for k in set(sql) | set(api) if sql.get(k) != api.get(k)}
                    sys.exit(f"{variant} as of {as_of} disagrees with the API: {diff}")
            http_samples = time_http(port, compare_path, args.runs)
            sql_times = {}
            for variant in ["compare_correlated", "compare_window"]:
                query, wall = [], []
                for _ in range(args.sql_runs):
                    _, q, w = run_sql(db, variant, as_of)
                    query.append(q)
                    wall.append(w)
                sql_times[variant] = (query, wall)
            results.append((as_of, http_samples, sql_times))
        progress = time_http(port, f"/api/v1/frameworks/{FRAMEWORK}/progress?as_of=2026-06-30&level=objective", args.runs)
        progress_state = time_http(port, f"/api/v1/frameworks/{FRAMEWORK}/progress?as_of=2026-06-30&scope=VNM&level=measure", args.runs)
        timeline = time_http(port, f"/api/v1/frameworks/{FRAMEWORK}/timeline?from=2026-01-01&to=2026-09-30&every=month", args.runs)
        after_write = time_read_after_write(args.binary, url, port, args.runs)
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()

    print()
    print("| as of | API /compare over HTTP, median (p95) | best SQL in sqlite3, query median | SQL whole process, median | window-function SQL, query median | SQL ÷ API |")
    print("|---|---|---|---|---|---|")
    for as_of, http_samples, sql_times in results:
        corr_q, corr_w = sql_times["compare_correlated"]
        win_q, _ = sql_times["compare_window"]
        best = min(statistics.median(corr_q), statistics.median(win_q))
        print(
            f"| {as_of} | {median_ms(http_samples):.2f} ms ({p95_ms(http_samples):.2f}) "
            f"| {statistics.median(corr_q) * 1000:.0f} ms | {median_ms(corr_w):.0f} ms "
            f"| {statistics.median(win_q) * 1000:.0f} ms | {best / statistics.median(http_samples):.0f}× |"
        )
    print()
    print(f"- /progress ASEAN, 100 objective rows: median {median_ms(progress):.2f} ms (p95 {p95_ms(progress):.2f})")
    print(f"- /progress VNM, 2,000 measure rows: median {median_ms(progress_state):.2f} ms (p95 {p95_ms(progress_state):.2f})")
    print(f"- /timeline monthly, 9 points: median {median_ms(timeline):.2f} ms (p95 {p95_ms(timeline):.2f})")
    print(f"- /compare right after a write (the write taken in first): median {median_ms(after_write):.2f} ms (p95 {p95_ms(after_write):.2f})")
    print(f"- server peak resident memory (VmHWM): {rss:.0f} MB")


if __name__ == "__main__":
    main()
