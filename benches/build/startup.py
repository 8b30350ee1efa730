#!/usr/bin/env python3
"""PostgreSQL start-up check with everything applied, side by side: each tool applies the
corpus once to a database of its own, then starts again and again on it ("noop"), the
tools taking turns, so that a change of the machine's load falls on all of them alike.
Prints the median and quartiles of `migrate_ms` (the runner's check on an open
connection, as the apps of run.sh print it) and of `connect_ms`.

    bash benches/build/run.sh runtime          # builds the apps
    python3 benches/build/startup.py [ROUNDS] [sqlx,migrate,refinery] [NAME=BINARY ...]

Tools named NAME=BINARY that speak our history (an older build of ours) share our
database. Needs the local PostgreSQL (127.0.0.1:5432, user postgres); WORK as in run.sh.
"""
import os
import re
import statistics
import subprocess
import sys

WORK = os.environ.get("WORK", "/tmp/migrate-build-bench")
TOOLS = {
    "sqlx": WORK + "/target-sqlx/release/sqlx-app",
    "migrate": WORK + "/target-migrate/release/migrate-build-bench-app",
    "refinery": WORK + "/target-refinery/release/refinery-app",
}
EXTRA = [a.split("=", 1) for a in sys.argv[2:] if "=" in a]
TOOLS.update(dict(EXTRA))
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
tools = (sys.argv[2].split(",") if len(sys.argv) > 2 and "=" not in sys.argv[2]
         else ["sqlx", "migrate"]) + [name for name, _ in EXTRA]


def psql(sql):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True,
                   capture_output=True)


def database(tool):
    """Our builds share one database; each peer has its own history table layout."""
    return "startup_" + (tool if tool in ("sqlx", "refinery") else "migrate")


def run(tool, cmd):
    url = "postgres://postgres@127.0.0.1:5432/" + database(tool)
    out = subprocess.run([TOOLS[tool], cmd, "pg", url], check=True, capture_output=True,
                         text=True).stdout
    return {k: float(v) for k, v in re.findall(r"(\w+_ms)=([\d.]+)", out)}


for db in sorted({database(t) for t in tools}):
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")
applied = set()
for t in tools:
    if database(t) not in applied:
        run(t, "apply")
        applied.add(database(t))
    run(t, "noop")  # warm the binary's pages
res = {t: [] for t in tools}
for _ in range(rounds):
    for t in tools:
        res[t].append(run(t, "noop"))


def spread(xs):
    q = statistics.quantiles(xs, n=4)
    return f"median {statistics.median(xs):5.2f} (quartiles {q[0]:.2f}-{q[2]:.2f})"


base = statistics.median(r["migrate_ms"] for r in res[tools[0]])
for t in tools:
    m = [r["migrate_ms"] for r in res[t]]
    c = [r["connect_ms"] for r in res[t]]
    print(f"{t:10s} migrate_ms {spread(m)}  connect_ms {spread(c)}  "
          f"vs {tools[0]} {statistics.median(m) / base:.2f}")
for db in sorted({database(t) for t in tools}):
    psql(f"DROP DATABASE {db}")
