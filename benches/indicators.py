#!/usr/bin/env python3
"""Indicators benchmark (issue 14): per-indicator progress and a goal-level rollup over 200
indicators x 12 scopes x 10 years with target revisions and corrections, served by
blueprint-tracker over HTTP (warm), side by side with the best SQL we could write for the same
figures run by the sqlite3 shell on the same database file. Checks that SQL and API give the
same figures before timing anything.

Usage (from the repository root, after `cargo build --release`):
    python3 benches/indicators.py [--indicators 200] [--runs 30] [--sql-runs 7] [--dir /tmp/bt-ind]
Standard library only; needs the `sqlite3` shell (Debian package sqlite3).
"""

import argparse
import http.client
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "benches" / "sql"
FW = "ascc-strategic-plan"
SCOPES = ["ASEAN", "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"]
YEARS = list(range(2026, 2036))
AS_OF_YEAR = 2035


def median_ms(samples):
    return statistics.median(samples) * 1000


def p95_ms(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def start_server(binary, url):
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
    proc = subprocess.Popen([binary, "serve", "--bind", "127.0.0.1:0", "--write-rate", "0"],
                            env=env, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, int(match.group(1))


def request(conn, method, path, body=None, token=None, want=200):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != want:
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return data


def value(i, s, year):
    """A deterministic trend per (indicator, scope): improving, stalling or reversing."""
    slope = [3.0, 1.2, 0.3, 0.0, -0.8][(i * 7 + s * 3) % 5]
    wobble = ((i * 31 + s * 17 + year * 13) % 7 - 3) * 0.15
    return slope * (year - 2025) + wobble


def load(conn, token, indicators):
    measures = json.loads(request(conn, "GET", f"/api/v1/frameworks/{FW}/measures"))["measures"]
    codes = [m["code"] for m in measures]
    base = f"/api/v1/frameworks/{FW}"
    observations = []
    for i in range(indicators):
        increase = i % 2 == 0
        percent = i % 3 == 0
        request(conn, "POST", f"{base}/indicators", {
            "code": f"B{i:03}", "title": f"Bench indicator {i}", "unit": "%" if percent else "index",
            "direction": "increase" if increase else "decrease", "node": codes[i % len(codes)],
        }, token, 201)
        sign = 1 if increase else -1
        for s, scope in enumerate(SCOPES):
            x0 = 40.0 + (i * 7 + s * 3) % 20
            target = {"scope": scope, "baseline_year": 2025, "baseline_value": x0,
                      "target_year": 2030, "target_value": x0 + sign * 30}
            request(conn, "POST", f"{base}/indicators/B{i:03}/targets", target, token, 201)
            if (i + s) % 4 == 0:  # a revision, recorded later: 2035 and a lower ambition
                target.update(target_year=2035, target_value=x0 + sign * 25)
                request(conn, "POST", f"{base}/indicators/B{i:03}/targets", target, token, 201)
            for year in YEARS:
                x = min(100.0, max(0.0, x0 + sign * value(i, s, year)))
                observations.append({"indicator": f"B{i:03}", "scope": scope, "year": year, "value": round(x, 3)})
    # Every eighth observation corrected later (a newer observation for the same year).
    corrections = [dict(o, value=round(min(100.0, o["value"] + 0.5), 3)) for o in observations[::8]]
    rows = observations + corrections
    for start in range(0, len(rows), 5000):
        request(conn, "POST", f"{base}/observations", {"observations": rows[start:start + 5000]}, token, 201)
    return len(observations), len(corrections)


def run_sql(db, name, **params):
    text = (SQL_DIR / f"{name}.sql").read_text()
    for key, val in params.items():
        text = text.replace(f"@{key}@", str(val))
    t = time.perf_counter()
    out = subprocess.run(["sqlite3", db], input=".timer on\n" + text, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    rows, query = [], None
    for line in out.stdout.splitlines():
        m = re.match(r"Run Time: real ([0-9.]+)", line)
        if m:
            query = float(m.group(1))
        elif "|" in line:
            rows.append(line.split("|"))
    return rows, query, wall


def same(a, b):
    if a is None or b in ("", None):
        return a is None and b in ("", None)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def check_progress(api, rows):
    by_scope = {s["scope"]: s for s in api["scopes"]}
    assert len(rows) == len(SCOPES), rows
    for scope, n, tl, xl, cs, expected, av, ap, klass in rows:
        s = by_scope[scope]
        assert len(s["points"]) == int(n) and s["latest"]["year"] == int(tl), (scope, s, n, tl)
        for name, mine, theirs in [("latest", s["latest"]["value"], xl), ("current_status", s["current_status"], cs),
                                   ("expected", s["expected"], expected), ("anticipated_value", s["anticipated_value"], av),
                                   ("anticipated_progress", s["anticipated_progress"], ap)]:
            assert same(mine, theirs), (scope, name, mine, theirs)
        assert s["class"] == klass, (scope, s["class"], klass)


def check_rollup(api, rows):
    by_goal = {n["code"]: n for n in api["nodes"]}
    classes = ["achieved", "insufficient_data", "on_track", "needs_acceleration", "stagnating", "regressing", "no_target"]
    for goal, count, mean, with_status, *counts in rows:
        node = by_goal[goal]
        assert node["indicators"] == int(count) and node["with_status"] == int(with_status), (goal, node)
        assert same(node["mean_current_status"], mean), (goal, node["mean_current_status"], mean)
        assert [node["classes"][c] for c in classes] == [int(c) for c in counts], (goal, node["classes"], counts)
    assert sum(int(r[1]) for r in rows) == api["overall"]["indicators"]


def time_http(port, path, runs):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(3):
        request(conn, "GET", path)
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        request(conn, "GET", path)
        samples.append(time.perf_counter() - t)
    conn.close()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sql-runs", type=int, default=7)
    parser.add_argument("--dir", default="/tmp/bt-ind")
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "blueprint-tracker"))
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    db = os.path.join(args.dir, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    url = f"sqlite://{db}?mode=rwc"
    proc, port = start_server(args.binary, url)
    try:
        out = subprocess.run([args.binary, "--database-url", url, "user", "add", "bench", "--role", "admin"],
                             env=dict(os.environ, RUST_LOG="warn"), capture_output=True, text=True, check=True)
        token = re.search(r"bt_[0-9a-f]+", out.stdout).group(0)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        t = time.perf_counter()
        observations, corrections = load(conn, token, args.indicators)
        loaded = time.perf_counter() - t
        conn.close()
        print(f"loaded {args.indicators} indicators x {len(SCOPES)} scopes x {len(YEARS)} years: "
              f"{observations} observations + {corrections} corrections in {loaded:.1f} s over HTTP")

        progress_path = f"/api/v1/frameworks/{FW}/indicators/B007/progress?as_of={AS_OF_YEAR}-12-31"
        rollup_path = f"/api/v1/frameworks/{FW}/indicator-progress?as_of={AS_OF_YEAR}-12-31&level=goal"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        progress = json.loads(request(conn, "GET", progress_path))
        rollup = json.loads(request(conn, "GET", rollup_path))
        conn.close()
        rows, _, _ = run_sql(db, "indicator_progress", FW=FW, IND="B007", YEAR=AS_OF_YEAR)
        check_progress(progress, rows)
        rows, _, _ = run_sql(db, "indicator_rollup", FW=FW, YEAR=AS_OF_YEAR)
        check_rollup(rollup, rows)
        print("SQL and API agree on every figure (progress of B007 in 12 scopes; rollup per goal)")
        seen = sorted({n for node in rollup["nodes"] for n, c in node["classes"].items() if c})
        print(f"classes in the ASEAN rollup: {', '.join(seen)}")

        results = []
        for name, path, sql in [("per-indicator progress (B007, 12 scopes)", progress_path,
                                 ("indicator_progress", dict(FW=FW, IND="B007", YEAR=AS_OF_YEAR))),
                                (f"goal-level rollup ({args.indicators} indicators, ASEAN)", rollup_path,
                                 ("indicator_rollup", dict(FW=FW, YEAR=AS_OF_YEAR)))]:
            http_samples = time_http(port, path, args.runs)
            query, wall = [], []
            for _ in range(args.sql_runs):
                _, q, w = run_sql(db, sql[0], **sql[1])
                query.append(q)
                wall.append(w)
            results.append((name, http_samples, query, wall))
        # The first read after a write: what was added since is taken in.
        conn = http.client.HTTPConnection("127.0.0.1", port)
        after_write = []
        for run in range(10):
            body = {"indicator": "B007", "scope": "VNM", "year": 2035, "value": 50.0 + run}
            request(conn, "POST", f"/api/v1/frameworks/{FW}/observations", body, token, 201)
            t = time.perf_counter()
            request(conn, "GET", progress_path)
            after_write.append(time.perf_counter() - t)
        conn.close()
        results.append(("per-indicator progress right after a write (what was added since taken in)", after_write, None, None))
        print()
        print("| what | API over HTTP, median (p95) | best SQL, query median | same SQL, whole sqlite3 process | SQL / API |")
        print("|---|---|---|---|---|")
        for name, samples, query, wall in results:
            api = median_ms(samples)
            if query is None:
                print(f"| {name} | {api:.2f} ms ({p95_ms(samples):.2f}) | | | |")
                continue
            sql = median_ms(query)
            print(f"| {name} | {api:.2f} ms ({p95_ms(samples):.2f}) | {sql:.1f} ms | {median_ms(wall):.1f} ms | {sql / api:.1f}x |")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
