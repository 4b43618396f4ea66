#!/usr/bin/env python3
"""Times whole-process runs of one command and appends one JSON line of results.

    measure.py --out RESULTS.jsonl --name NAME --group GROUP --files N [--runs 5]
               [--ok-codes 0,1] [--tree] [--stdout FILE] [--cwd DIR] [--note TEXT] -- CMD ARGS...

Per run: wall time (perf_counter around fork..wait4), CPU time (user+sys of the process and the
children it waited for, from wait4's rusage), peak RSS (ru_maxrss: the largest single process
of the tree) and, with --tree, the peak of the *summed* RSS of the whole process tree, sampled
every 50 ms from /proc (for tools that fork workers, like checkov). The median run is what the
report uses. The load average before and after is recorded: the machine may be shared.

An exit code outside --ok-codes (default 0,1: linters exit 1 when they find something) marks
the measurement as failed; its stderr tail is kept so the report can say why.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def tree_rss_kb(root):
    """Summed VmRSS (kB) of root and all its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            parents[int(entry)] = ppid
        except (OSError, ValueError, IndexError):
            continue
    members, frontier = {root}, [root]
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        p = frontier.pop()
        for c in children.get(p, []):
            if c not in members:
                members.add(c)
                frontier.append(c)
    total = 0
    for pid in members:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def run_once(cmd, cwd, stdout_path, tree, env):
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err_path = (stdout_path or "/tmp/measure") + ".stderr"
    err = open(err_path, "wb")
    peak_tree = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak_tree[0] = max(peak_tree[0], tree_rss_kb(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True) if tree else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    if sampler:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    err.close()
    with open(err_path, "rb") as f:
        tail = f.read()[-2000:].decode("utf-8", "replace")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
        "tree_rss_kb": peak_tree[0] if tree else None,
        "code": proc.returncode,
        "stderr_tail": tail,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--ok-codes", default="0,1")
    ap.add_argument("--tree", action="store_true")
    ap.add_argument("--stdout")
    ap.add_argument("--cwd")
    ap.add_argument("--note", default="")
    ap.add_argument("--role", default="peer", help="paved, floor, peer, checkov-sample, checkov-startup, new")
    ap.add_argument("--surface", default="all")
    ap.add_argument("--vs", default="", help="name of the paved row run on the same files")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE added to the environment")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    ok = {int(c) for c in a.ok_codes.split(",") if c}

    load_before = loadavg()
    for _ in range(a.warmup):  # page cache, dynamic loader, Python bytecode caches
        run_once(cmd, a.cwd, a.stdout, False, env)
    runs = [run_once(cmd, a.cwd, a.stdout, a.tree, env) for _ in range(a.runs)]
    load_after = loadavg()

    failed = [r for r in runs if r["code"] not in ok]
    walls = sorted(r["wall"] for r in runs)
    rss = max(max(r["maxrss_kb"], r["tree_rss_kb"] or 0) for r in runs)
    rec = {
        "name": a.name,
        "group": a.group,
        "files": a.files,
        "runs": a.runs,
        "median_s": statistics.median(walls),
        "min_s": walls[0],
        "max_s": walls[-1],
        "cpu_median_s": statistics.median(r["cpu"] for r in runs),
        "peak_rss_mb": rss / 1024.0,
        "codes": sorted({r["code"] for r in runs}),
        "ok": not failed,
        "error": failed[0]["stderr_tail"] if failed else "",
        "load_before": load_before,
        "load_after": load_after,
        "cmd": cmd,
        "env": a.env,
        "cwd": a.cwd or os.getcwd(),
        "note": a.note,
        "role": a.role,
        "surface": a.surface,
        "vs": a.vs,
    }
    with open(a.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    status = "ok" if rec["ok"] else f"FAILED (exit {rec['codes']})"
    print(
        f"measure: {a.name} [{a.group}] {a.files} files: median {rec['median_s']:.3f}s "
        f"cpu {rec['cpu_median_s']:.2f}s rss {rec['peak_rss_mb']:.0f}MB load {load_before[0]:.1f} {status}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
