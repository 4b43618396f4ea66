#!/usr/bin/env python3
"""Turns bench/measure.py's JSON lines into the Markdown report (and two helpers run.sh uses).

    report.py render RESULTS.jsonl --paved BIN --repo DIR [--load TEXT] [--checkov-mode M] ...
    report.py extrapolate RESULTS.jsonl --group G --files N --vs NAME
    report.py import-hyperfine RESULTS.jsonl HYPERFINE.json --name NAME [--note TEXT]
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys

TARGETS = {
    "checkov": 50.0,  # paved >= 50x faster than checkov on the same files
    "hadolint": 10.0,  # >= 10x hadolint per Dockerfile
    "kube-linter": 1.0,  # faster than kube-linter
    "conftest": 1.0,  # faster than conftest
    "kustomize": 1.0,  # one paved lint of every root beats one kustomize build per root
}
FLOOR_MAX = 3.0  # paved within 3x of the parse-only floor
RSS_MAX_MB = 200.0  # peak RSS on the scaled corpus
NEW_MAX_MS = 100.0  # `paved new` wall time
LINEAR_TOLERANCE = 0.25  # time per file at 2x and 4x within 25% of 1x


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def append(path, rec):
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")


def extrapolate(args):
    recs = [r for r in load(args.results) if r["group"] == args.group]
    start = next(r for r in recs if r["role"] == "checkov-startup")
    sample = next(r for r in recs if r["role"] == "checkov-sample")
    per_file = max(0.0, sample["median_s"] - start["median_s"]) / max(1, sample["files"])
    cpu_per_file = max(0.0, sample["cpu_median_s"] - start["cpu_median_s"]) / max(1, sample["files"])
    rss_per_file = max(0.0, sample["peak_rss_mb"] - start["peak_rss_mb"]) / max(1, sample["files"])
    rec = dict(sample)
    rec.update(
        {
            "name": "checkov (extrapolated)",
            "role": "peer",
            "files": args.files,
            "median_s": start["median_s"] + per_file * args.files,
            "min_s": None,
            "max_s": None,
            "cpu_median_s": start["cpu_median_s"] + cpu_per_file * args.files,
            "peak_rss_mb": start["peak_rss_mb"] + rss_per_file * args.files,
            "vs": args.vs,
            "extrapolated": True,
            "note": (
                f"EXTRAPOLATED from {sample['files']} files: startup {start['median_s']:.2f} s "
                f"+ {per_file * 1000:.1f} ms/file; RSS linear in files (rough)"
            ),
        }
    )
    append(args.results, rec)


def import_hyperfine(args):
    data = json.load(open(args.hyperfine))["results"][0]
    times = sorted(data["times"])
    rec = {
        "name": args.name,
        "group": "new",
        "files": 0,
        "runs": len(times),
        "median_s": data["median"],
        "min_s": data["min"],
        "max_s": data["max"],
        "cpu_median_s": data.get("user", 0) + data.get("system", 0),
        "peak_rss_mb": 0.0,
        "codes": sorted(set(data.get("exit_codes", [0]))),
        "ok": all(c == 0 for c in data.get("exit_codes", [0])),
        "error": "",
        "load_before": None,
        "load_after": None,
        "cmd": shlex.split(data["command"]),
        "env": [],
        "cwd": os.getcwd(),
        "note": args.note + "; hyperfine -N --runs 100 --warmup 5 (CPU s is the mean)",
        "role": "new",
        "surface": "new",
        "vs": "",
    }
    append(args.results, rec)


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def git(repo, *a):
    try:
        return subprocess.run(["git", "-C", repo, *a], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def cmd_text(r):
    env = " ".join(r.get("env") or [])
    cmd = " ".join(shlex.quote(c) for c in r["cmd"])
    if len(cmd) > 300:  # file lists
        head = " ".join(shlex.quote(c) for c in r["cmd"][:4])
        cmd = f"{head} … ({len(r['cmd']) - 4} more arguments: every file of the surface)"
    return (f"{env} " if env else "") + cmd


def render(args):
    recs = load(args.results)
    out = []
    w = out.append
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    w(f"# paved benchmark, {now}\n")
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = git(args.repo, "rev-parse", "--short", "HEAD")
    dirty = git(args.repo, "status", "--porcelain", "--untracked-files=no")
    w(f"- machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}")
    w(f"- load average (1/5/15 min) at start -> end: {args.load}. The machine is shared: wall "
      "times are inflated by other work; the CPU column (user+sys) is steadier.")
    loads = [r["load_before"][0] for r in recs if r.get("load_before")]
    if loads:
        w(f"- 1-min load before each measurement: min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}")
    w(f"- paved: `{args.paved}` built from {commit}" + (" with uncommitted changes in the work tree" if dirty else ""))
    if args.versions and os.path.exists(args.versions):
        w("- peers: " + "; ".join(l.strip() for l in open(args.versions) if l.strip()))
    w(f"- corpora under `{args.work}`: `real` = every file of /work/shared/corpus of the linted kinds, one copy "
      "(`make-corpus.sh --real`); `scaled` = `make-corpus.sh --scale 1` (10,000 manifests, 1,000 each of "
      "Dockerfiles, Makefiles and workflows, 100 charts)")
    w("- median of the timed runs after one warm-up run; peak RSS is the largest over the runs (checkov: the "
      "summed RSS of its process tree, sampled every 50 ms)")
    w("")
    w("`speed-up` = peer median / paved median on the same files (for the floor row: paved / floor, "
      "the cost of the policies).\n")

    numbered = []

    def table(group, title):
        rows = [r for r in recs if r["group"] == group and r["role"] in ("paved", "floor", "peer")]
        if not rows:
            return
        w(f"## {title}\n")
        w("| # | tool | surface | files | median s | files/s | CPU s | peak RSS MB | speed-up | target | note |")
        w("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|")
        for r in rows:
            numbered.append(r)
            n = len(numbered)
            fps = r["files"] / r["median_s"] if r["median_s"] and r["files"] else None
            ratio, target = "", ""
            if r["role"] == "floor":
                base = find(recs, group, "paved lint", r["surface"], role="paved")
                if base and r["ok"]:
                    x = base["median_s"] / r["median_s"]
                    ratio = f"paved/floor {x:.2f}×"
                    target = f"≤ {FLOOR_MAX:g}×: " + ("PASS" if x <= FLOOR_MAX else "FAIL")
            elif r["role"] == "peer":
                base = find(recs, group, r["vs"], r["surface"], role="paved")
                if base:
                    x = r["median_s"] / base["median_s"]
                    ratio = f"{x:.1f}×"
                    key = r["name"].split(" ")[0]
                    if key in TARGETS:
                        t = TARGETS[key]
                        label = f"≥ {t:g}×" if t > 1 else "faster"
                        target = f"{label}: " + ("PASS" if x >= t else "FAIL")
            elif r["role"] == "paved" and group == "scaled" and r["surface"] == "all":
                target = f"RSS < {RSS_MAX_MB:g} MB: " + ("PASS" if r["peak_rss_mb"] < RSS_MAX_MB else "FAIL")
            note = r.get("note", "")
            if not r["ok"]:
                note = f"**FAILED** (exit {r['codes']}): {r['error'].strip().splitlines()[-1] if r['error'].strip() else ''}; {note}"
            w(
                f"| {n} | {r['name']} | {r['surface']} | {r['files']} | {fmt_s(r['median_s'])} | "
                f"{fps:,.0f} | {r['cpu_median_s']:.2f} | {r['peak_rss_mb']:.0f} | {ratio} | {target} | {note} |"
                if fps
                else f"| {n} | {r['name']} | {r['surface']} | {r['files']} | {fmt_s(r['median_s'])} | – | "
                f"{r['cpu_median_s']:.2f} | {r['peak_rss_mb']:.0f} | {ratio} | {target} | {note} |"
            )
        aux = [r for r in recs if r["group"] == group and r["role"] in ("checkov-startup", "checkov-sample")]
        for r in aux:
            numbered.append(r)
            w(
                f"| {len(numbered)} | {r['name']} | {r['surface']} | {r['files']} | {fmt_s(r['median_s'])} | "
                f"– | {r['cpu_median_s']:.2f} | {r['peak_rss_mb']:.0f} | | | input of the extrapolation |"
            )
        w("")

    table("real", "Real corpus (/work/shared/corpus, re-laid out by surface)")
    table("scaled", "Scaled corpus (1×)")
    table("kustomize", "Kustomize: every kustomization root of the corpus")

    lin = [r for r in recs if r["group"] == "linearity"]
    if lin:
        w("## Linearity (paved lint, whole scaled corpus)\n")
        w("| # | size | files | median s | µs/file (wall) | CPU s | µs/file (CPU) | per file vs 1× | peak RSS MB | target |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
        base = next((r for r in lin if r["surface"] == "1x"), lin[0])
        bpf = base["cpu_median_s"] / base["files"]
        for r in lin:
            numbered.append(r)
            pf = r["median_s"] / r["files"] * 1e6
            cpf = r["cpu_median_s"] / r["files"]
            rel = cpf / bpf
            ok = abs(rel - 1) <= LINEAR_TOLERANCE
            w(
                f"| {len(numbered)} | {r['surface']} | {r['files']} | {fmt_s(r['median_s'])} | {pf:.0f} | "
                f"{r['cpu_median_s']:.2f} | {cpf * 1e6:.0f} | {rel:.2f} | {r['peak_rss_mb']:.0f} | "
                f"{'linear (±25% CPU/file): PASS' if ok else 'FAIL'} |"
            )
        w("")

    new = [r for r in recs if r["group"] == "new"]
    if new:
        w("## `paved new`\n")
        w("| # | what | runs | median ms | min ms | max ms | peak RSS MB | target | note |")
        w("|---|---|---:|---:|---:|---:|---:|---|---|")
        for r in new:
            numbered.append(r)
            med = r["median_s"] * 1000
            target = ""
            if r["role"] == "new":
                target = f"< {NEW_MAX_MS:g} ms: " + ("PASS" if med < NEW_MAX_MS and r["ok"] else "FAIL")
            rss = f"{r['peak_rss_mb']:.0f}" if r["peak_rss_mb"] else "–"
            w(
                f"| {len(numbered)} | {r['name']} | {r['runs']} | {med:.1f} | {(r['min_s'] or 0) * 1000:.1f} | "
                f"{(r['max_s'] or 0) * 1000:.1f} | {rss} | {target} | {r.get('note', '')} |"
            )
        w("")

    w("## Commands\n")
    w("Each row's exact command (run in the directory shown; `$W` = the work directory):\n")
    for i, r in enumerate(numbered, 1):
        cwd = r.get("cwd", "").replace(args.work, "$W")
        text = cmd_text(r).replace(args.work, "$W")
        w(f"{i}. (`{cwd}`) `{text}`")
    w("")
    sys.stdout.write("\n".join(out) + "\n")


def find(recs, group, name, surface, role):
    for r in recs:
        if r["group"] == group and r["name"] == name and r["surface"] == surface and r["role"] == role:
            return r
    return None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extrapolate")
    e.add_argument("results")
    e.add_argument("--group", required=True)
    e.add_argument("--files", type=int, required=True)
    e.add_argument("--vs", required=True)
    h = sub.add_parser("import-hyperfine")
    h.add_argument("results")
    h.add_argument("hyperfine")
    h.add_argument("--name", required=True)
    h.add_argument("--note", default="")
    r = sub.add_parser("render")
    r.add_argument("results")
    r.add_argument("--paved", required=True)
    r.add_argument("--repo", required=True)
    r.add_argument("--load", default="?")
    r.add_argument("--checkov-mode", default="sample")
    r.add_argument("--checkov-fraction", default="")
    r.add_argument("--work", default="/tmp/paved-bench")
    r.add_argument("--versions", default="")
    a = ap.parse_args()
    {"extrapolate": extrapolate, "import-hyperfine": import_hyperfine, "render": render}[a.cmd](a)


if __name__ == "__main__":
    main()
