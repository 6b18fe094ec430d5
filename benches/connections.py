#!/usr/bin/env python3
"""Slow and idle connections (issue 12): opens IDLE silent connections and SLOW ones that send a
request line, then one header every 0.5 s, to a running server, and says when the server closed
each kind. Usage: python3 benches/connections.py HOST PORT IDLE SLOW SECONDS
(e.g. `blueprint-tracker serve --bind 127.0.0.1:18181` beside it, then 127.0.0.1 18181 500 200 30)."""
import socket, sys, time, threading
host, port = sys.argv[1], int(sys.argv[2])
idle_n, slow_n, limit = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
closed = {}
def watch(kind, i, s, slow):
    start = time.time()
    s.settimeout(0.2)
    k = 0
    while time.time() - start < limit:
        if slow and time.time() - start > k * 0.5:
            try:
                s.send(b"X-Slow-%d: a\r\n" % k); k += 1
            except OSError:
                closed[(kind, i)] = time.time() - start; return
        try:
            if s.recv(4096) == b"":
                closed[(kind, i)] = time.time() - start; return
        except socket.timeout:
            pass
        except OSError:
            closed[(kind, i)] = time.time() - start; return
threads = []
for kind, n in (("idle", idle_n), ("slow", slow_n)):
    for i in range(n):
        s = socket.create_connection((host, port))
        if kind == "slow":
            s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        t = threading.Thread(target=watch, args=(kind, i, s, kind == "slow")); t.start(); threads.append(t)
for t in threads: t.join()
for kind, n in (("idle", idle_n), ("slow", slow_n)):
    times = sorted(v for (k, _), v in closed.items() if k == kind)
    if times:
        print(f"{kind}: {len(times)} of {n} closed by the server within {limit:.0f} s; median {times[len(times)//2]:.1f} s, max {times[-1]:.1f} s")
    else:
        print(f"{kind}: 0 of {n} closed within {limit:.0f} s")
