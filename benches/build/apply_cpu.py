#!/usr/bin/env python3
"""PostgreSQL apply, side by side, with CPU time: wall, the tool's own CPU, and the
server's CPU (the postmaster's reaped children plus its live ones: every backend and
auxiliary process), so that tools can be compared on a machine whose load varies,
where wall times of identical runs differ by up to 2x. It also counts what does not
vary with the load: the commits in the tool's database and the WAL flushes
(`pg_stat_wal.wal_sync`, PostgreSQL 14 or later), each a disk sync the tool waited for.

    bash benches/build/run.sh runtime          # builds the apps (and times them)
    python3 benches/build/apply_cpu.py [ROUNDS] [sqlx,migrate,plain,refinery] [NAME=BINARY ...]

Needs the local PostgreSQL (127.0.0.1:5432, user postgres) and /proc; WORK as in run.sh.
"""
import os, subprocess, sys, time, statistics
WORK = os.environ.get("WORK", "/tmp/migrate-build-bench")
TOOLS = {
 "sqlx": WORK + "/target-sqlx/release/sqlx-app",
 "migrate": WORK + "/target-migrate/release/migrate-build-bench-app",
 "plain": WORK + "/target-migrate/release/migrate-build-bench-app-plain",
 "refinery": WORK + "/target-refinery/release/refinery-app",
}
# More as NAME=PATH arguments, e.g. an older build of ours: old=/tmp/ours-old
for arg in sys.argv[2:]:
    if "=" in arg:
        name, path = arg.split("=", 1)
        TOOLS[name] = path

TCK = os.sysconf("SC_CLK_TCK")
def postmaster():
    out = subprocess.run(["pgrep", "-o", "-x", "postgres"], capture_output=True, text=True).stdout.split()
    return int(out[0])
def stat(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return f  # f[0]=state, utime=f[11], stime=f[12], cutime=f[13], cstime=f[14], ppid=f[1]
def server_cpu():
    pm = postmaster(); s = stat(pm)
    total = int(s[11]) + int(s[12]) + int(s[13]) + int(s[14])
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try:
            f = stat(int(d))
        except Exception: continue
        if int(f[1]) == pm:
            total += int(f[11]) + int(f[12])
    return total / TCK
def psql(sql):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()
def wal_syncs():
    return int(psql("SELECT wal_sync FROM pg_stat_wal"))
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
tools = sys.argv[2].split(",") if len(sys.argv) > 2 and "=" not in sys.argv[2] else ["sqlx", "migrate", "plain"]
tools += [n for n in (a.split("=", 1)[0] for a in sys.argv[2:] if "=" in a) if n not in tools]
res = {t: [] for t in tools}
for r in range(rounds):
    for t in tools:
        db = "cpu_" + t
        psql(f"DROP DATABASE IF EXISTS {db}"); psql(f"CREATE DATABASE {db}")
        time.sleep(0.3)
        f0 = wal_syncs(); s0 = server_cpu(); w0 = time.perf_counter()
        p = subprocess.Popen([TOOLS[t], "apply", "pg", f"postgres://postgres@127.0.0.1:5432/{db}"], stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - w0
        time.sleep(0.3)
        s1 = server_cpu()
        assert status == 0, t
        time.sleep(0.7)  # a backend reports its statistics within a second
        commits = int(psql(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{db}'"))
        row = (wall, ru.ru_utime + ru.ru_stime, s1 - s0, commits, wal_syncs() - f0)
        res[t].append(row)
        print(f"{r} {t:9s} wall={row[0]:.2f}s client_cpu={row[1]:.2f}s server_cpu={row[2]:.2f}s "
              f"commits={row[3]} wal_syncs={row[4]}", flush=True)
        psql(f"DROP DATABASE {db}")
# The load drifts between rounds more than the tools differ: the ratio of each
# round's wall time to the first tool's in the same round is the steadier figure.
for t in tools:
    paired = statistics.median(a[0] / b[0] for a, b in zip(res[t], res[tools[0]]))
    w, c, s, n, f = (statistics.median(x[i] for x in res[t]) for i in range(5))
    print(f"paired {t:9s} wall vs {tools[0]}: median of per-round ratios {paired:.2f}")
    print(f"median {t:9s} wall={w:.2f}s client_cpu={c:.2f}s server_cpu={s:.2f}s total_cpu={c+s:.2f}s "
          f"commits={n:.0f} wal_syncs={f:.0f}")
