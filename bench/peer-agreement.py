#!/usr/bin/env python3
"""Peer agreement: where paved and its peers (kube-linter, hadolint) flag the same thing.

Runs `paved lint --format json`, `kube-linter lint --format json` and `hadolint --format json`
on one corpus (default: /work/shared/corpus) and prints, for every pair of checks that look for
the same problem, how many files both flag, only paved flags, only the peer flags, and how many
of the peer's files paved leaves out by design (its default exclusions: documentation, examples,
tests, test data, vendored code). Peer checks with no paved counterpart, and paved rules with
no peer counterpart, are counted apart. `--details` lists the files of every cell.

Comparison is per file, as the peers report per file, after putting both tools' paths in one
form (see bench/README.md, "Peer agreement"):
  - a Helm chart is one unit (its top-level chart directory): kube-linter reports the rendered
    template, paved the template or the values.yaml line that produces the value;
  - everything else is the file itself (paved reports a kustomization's objects at the files
    they come from, which are the files kube-linter lints one by one).
Only files both tools were given count: for kube-linter the YAML files and charts of the corpus,
for hadolint every file paved classifies as a Dockerfile. A missing peer is skipped with a note.

Python 3 standard library only. Deterministic: every list is sorted.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# kube-linter checks that are not on by default but have a paved counterpart.
KUBE_LINTER_EXTRA = [
    "no-liveness-probe",
    "no-readiness-probe",
    "dangling-ingress",
    "wildcard-in-rules",
    "cluster-admin-role-binding",
]

# (peer, peer checks, paved rules, note, options). A paved rule may not exist on every branch:
# it then shows zero paved files, and the table says "not in this build". Options:
#   message: only paved findings whose message matches this regex count (a rule that reports
#            several things, when the peer's check covers one of them);
#   kinds:   {peer object kind: why}: the peer's reports on these kinds are differences of
#            semantics paved documents, counted under "by design" with that reason.
NOT_LONG_RUNNING = "a Pod, Job or CronJob: paved's probe rules cover long-running workloads only"
PAIRS = [
    ("kube-linter", ["run-as-non-root"], ["run-as-non-root"], "", {}),
    ("kube-linter", ["no-read-only-root-fs"], ["read-only-root-fs-missing"], "", {}),
    ("kube-linter", ["privilege-escalation-container"], ["privilege-escalation-allowed"],
     "kube-linter: allowPrivilegeEscalation true (or privileged, SYS_ADMIN); paved: not set to false", {}),
    ("kube-linter", ["privileged-container"], ["privileged-container"], "", {}),
    ("kube-linter", ["unset-cpu-requirements"], ["resource-requests-missing"],
     "kube-linter: no cpu request; paved: findings that name cpu", {"message": r"\bcpu\b"}),
    ("kube-linter", ["unset-memory-requirements"], ["resource-limits-missing"],
     "kube-linter: no memory limit; paved: findings that name memory", {"message": r"\bmemory\b"}),
    ("kube-linter", ["latest-tag"], ["image-latest-tag"], "", {}),
    ("kube-linter", ["host-network", "host-pid", "host-ipc"], ["host-namespace-shared"], "", {}),
    ("kube-linter", ["sensitive-host-mounts", "docker-sock"], ["sensitive-host-mount"], "", {}),
    ("kube-linter", ["drop-net-raw-capability"], ["capabilities-not-dropped", "dangerous-capabilities-added"],
     "kube-linter: NET_RAW not dropped; paved: ALL not dropped, or a dangerous capability added", {}),
    ("kube-linter", ["no-liveness-probe"], ["liveness-probe-missing"], "kube-linter: not a default check",
     {"kinds": {k: NOT_LONG_RUNNING for k in ("Pod", "Job", "CronJob")}}),
    ("kube-linter", ["no-readiness-probe"], ["readiness-probe-missing"], "kube-linter: not a default check",
     {"kinds": {k: NOT_LONG_RUNNING for k in ("Pod", "Job", "CronJob")}}),
    ("kube-linter", ["duplicate-env-var"], ["env-var-duplicated"], "", {}),
    ("kube-linter", ["env-var-secret"], ["secret-in-plain-env"], "", {}),
    ("kube-linter", ["dangling-service"], ["service-selects-nothing"], "", {}),
    ("kube-linter", ["dangling-ingress"], ["service-target-port-unknown"], "kube-linter: not a default check", {}),
    ("kube-linter", ["mismatching-selector"], ["selector-mismatch"], "", {}),
    ("kube-linter", ["wildcard-in-rules", "cluster-admin-role-binding"], ["rbac-wildcard"],
     "kube-linter: not default checks", {}),
    ("kube-linter", ["no-extensions-v1beta"], ["removed-api-version"], "", {}),
    ("hadolint", ["DL3006", "DL3007"], ["image-latest-tag"], "DL3006: untagged FROM; DL3007: :latest", {}),
    ("hadolint", ["DL3002"], ["dockerfile-user-root"], "hadolint: last USER is root; paved: also no USER at all", {}),
    ("hadolint", ["DL3020"], ["dockerfile-add-instead-of-copy"], "", {}),
    ("hadolint", ["DL3009", "DL3019"], ["package-cache-kept"],
     "hadolint: every stage; paved: the stages the final image is built from", {}),
    ("hadolint", ["DL4006"], ["pipe-without-pipefail"], "", {}),
    ("hadolint", ["DL3025"], ["shell-form-entrypoint"], "", {}),
]

# paved rules of the peers' surfaces that no peer check corresponds to.
PAVED_ONLY = {
    "kube-linter": ["host-port-used", "seccomp-profile-missing", "service-account-token-automounted",
                    "secret-in-configmap", "probe-port-unknown", "probe-path-unserved",
                    "run-as-non-root-unverifiable", "gomemlimit-missing", "shutdown-exceeds-grace-period"],
    "hadolint": ["cgo-not-disabled", "dockerfile-toolchain-in-runtime", "remote-script-piped-to-shell",
                 "docker-context-unfiltered", "go-version-mismatch", "secret-in-plain-env"],
}

# paved's default exclusions (src/lint/discover.rs), for files outside paved's skip list.
EXCLUDED_ALL = {"vendor", "third_party", "node_modules", "testdata", ".devcontainer"}
EXCLUDED_DEPLOYABLE = {"docs", "examples", "e2e", "test", "tests"}


def is_dockerfile(name):
    """paved's classification of a Dockerfile by name (src/lint/discover.rs)."""
    lower = name.lower()
    if lower.endswith(".dockerignore"):
        return False
    return (lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile")
            or lower == "containerfile" or lower.startswith("containerfile."))


def is_ci(path):
    """A CI file paved reads as CI, not as manifests (GitHub, GitLab, CircleCI)."""
    parts = path.split("/")
    name = parts[-1]
    return (parts[-3:-1] == [".github", "workflows"] or name in (".gitlab-ci.yml", ".gitlab-ci.yaml")
            or (parts[-2:-1] == [".circleci"] and name in ("config.yml", "config.yaml")))


def walk(corpus):
    """The corpus's Dockerfiles, YAML files and top-level chart directories (relative paths)."""
    dockerfiles, yamls, charts = [], [], []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        rel = os.path.relpath(root, corpus).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if "Chart.yaml" in files and not any(rel == c or rel.startswith(c + "/") for c in charts):
            charts.append(rel or ".")
        for f in sorted(files):
            path = f"{rel}/{f}" if rel else f
            if is_dockerfile(f):
                dockerfiles.append(path)
            elif f.lower().endswith((".yaml", ".yml")) and not is_ci(path):
                yamls.append(path)
    return sorted(dockerfiles), sorted(yamls), sorted(charts)


class Units:
    """Maps a reported path to its comparison unit: a chart's files to the chart."""

    def __init__(self, charts):
        self.charts = sorted(charts, key=len, reverse=True)

    def __call__(self, path):
        path = norm(path)
        for c in self.charts:
            if c == "." or path == c or path.startswith(c + "/"):
                return c + "/ (chart)"
        return path


def norm(path):
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def skip_reason(path, skipped):
    """Why paved does not lint `path` by design, or None: its own skip list, else the default
    exclusions by directory (for Dockerfiles and YAML, the deployable surfaces)."""
    for s in skipped:
        if path.startswith(s["path"]):
            return s["reason"]
    parts = path.split("/")[:-1]
    for p in parts:
        if p in EXCLUDED_ALL:
            return "default exclusion " + p + "/"
        if p in EXCLUDED_DEPLOYABLE:
            return "default exclusion " + p + "/"
    return None


def run(cmd, cwd, ok=(0, 1)):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in ok:
        sys.exit(f"peer-agreement: {' '.join(cmd[:3])} ... exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def paved_findings(paved, corpus, saved=None):
    if saved:
        with open(saved) as fh:
            out = json.load(fh)
    else:
        out = json.loads(run([paved, "lint", "--no-config", "--format", "json", "."], corpus))
    found = defaultdict(set)  # rule -> {(path, message)}
    for f in out["findings"] + out.get("suppressed", []):
        found[f["rule"]].add((relative(f["path"], corpus, saved), f.get("message", "")))
    skipped = [dict(s, path=relative(s["path"], corpus, saved))
               for s in out.get("summary", {}).get("skipped", {}).get("paths", [])]
    return found, skipped


def relative(path, corpus, saved):
    """A paved path relative to the corpus. paved ran in the corpus, so its paths are; a saved
    output may have been made elsewhere (`paved lint /abs/corpus`, `paved lint ../corpus`)."""
    path = norm(path)
    if saved:
        base = os.path.basename(corpus.rstrip("/")) + "/"
        at = path.find(base)
        if at >= 0 and (at == 0 or path[at - 1] == "/"):
            return path[at + len(base):]
    return path


def kube_linter_findings(bin_, corpus):
    cmd = [bin_, "lint", "--format", "json"]
    for c in KUBE_LINTER_EXTRA:
        cmd += ["--include", c]
    out = json.loads(run(cmd + ["."], corpus) or "{}")
    found = defaultdict(set)  # check -> {(path, object kind)}
    for r in out.get("Reports") or []:
        obj = r.get("Object") or {}
        path = (obj.get("Metadata") or {}).get("FilePath")
        kind = ((obj.get("K8sObject") or {}).get("GroupVersionKind") or {}).get("Kind", "")
        if path:
            if os.path.isabs(path):  # it reports absolute paths even for a relative argument
                path = os.path.relpath(path, corpus)
            found[r["Check"]].add((norm(path), kind))
    return found


def hadolint_findings(bin_, corpus, dockerfiles):
    found = defaultdict(set)
    if not dockerfiles:
        return found
    # One process over all files; hadolint reads no config from the corpus.
    out = run([bin_, "--no-fail", "--format", "json", *dockerfiles], corpus, ok=(0, 1))
    for f in json.loads(out or "[]"):
        found[f["code"]].add((norm(f["file"]), ""))
    return found


def table(rows, headers):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def default_paved():
    if os.environ.get("PAVED"):
        return os.environ["PAVED"]
    for profile in ("release", "debug"):
        path = os.path.join(REPO, "target", profile, "paved")
        if os.path.isfile(path):
            return path
    return os.path.join(REPO, "target/release/paved")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--paved", default=default_paved(),
                    help="paved binary (default $PAVED, else target/release/paved, else target/debug/paved)")
    ap.add_argument("--kube-linter", default=shutil.which("kube-linter"))
    ap.add_argument("--hadolint", default=shutil.which("hadolint"))
    ap.add_argument("--paved-json", help="use this `paved lint --format json` output of the corpus "
                    "instead of running paved (paths relative to the corpus or absolute)")
    ap.add_argument("--details", action="store_true", help="list the files of every cell")
    ap.add_argument("--json", help="also write the comparison as JSON to this file")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    args.paved = os.path.abspath(args.paved)
    for tool in ("kube_linter", "hadolint"):
        if getattr(args, tool) and os.sep in getattr(args, tool):
            setattr(args, tool, os.path.abspath(getattr(args, tool)))
    if not os.path.isfile(args.paved):
        sys.exit(f"peer-agreement: no paved binary at {args.paved} (cargo build --release, or --paved BIN)")

    dockerfiles, yamls, charts = walk(corpus)
    unit = Units(charts)
    paved, skipped = paved_findings(args.paved, corpus, args.paved_json)
    peers, notes = {}, []
    if args.kube_linter:
        peers["kube-linter"] = kube_linter_findings(args.kube_linter, corpus)
    else:
        notes.append("kube-linter not found (bench/setup-peers.sh builds it): its rows are skipped")
    if args.hadolint:
        peers["hadolint"] = hadolint_findings(args.hadolint, corpus, dockerfiles)
    else:
        notes.append("hadolint not found (scripts/setup-test-tools.sh installs it): its rows are skipped")

    # The units each peer was given, which are the only ones compared.
    given = {
        "kube-linter": {unit(p) for p in yamls},
        "hadolint": set(dockerfiles),
    }
    rules_known = known_rules(args.paved)

    def paved_units(rules, message=None):
        pattern = re.compile(message) if message else None
        return {unit(path) for r in rules for path, msg in paved.get(r, ())
                if pattern is None or pattern.search(msg)}

    def peer_reports(peer, checks):
        """unit -> the object kinds the peer reported there (for these checks)."""
        out = defaultdict(set)
        for c in checks:
            for path, kind in peers[peer].get(c, ()):
                out[unit(path)].add(kind)
        return out

    print(f"# Peer agreement on {args.corpus}\n")
    print(f"Given to kube-linter and paved: {len(yamls)} YAML files that are not CI files "
          f"({len(charts)} Helm charts among them, each compared as one unit); to hadolint and paved: "
          f"{len(dockerfiles)} Dockerfiles.\n")
    for n in notes:
        print(f"- note: {n}")
    if notes:
        print()
    report = {"pairs": [], "unmapped_peer": {}, "paved_only": {}}
    rows, details = [], []
    for peer, checks, rules, note, opts in PAIRS:
        if peer not in peers:
            continue
        reports = peer_reports(peer, checks)
        k = set(reports) & given[peer]
        p = paved_units(rules, opts.get("message")) & given[peer]
        why = {}
        for u in sorted(k - p):
            reason = skip_reason(u, skipped)
            kinds = opts.get("kinds", {})
            if reason is None and reports[u] and all(kd in kinds for kd in reports[u]):
                reason = "; ".join(sorted({kinds[kd] for kd in reports[u]}))
            if reason:
                why[u] = reason
        cells = {
            "both": sorted(k & p),
            "only paved": sorted(p - k),
            "only peer": sorted(k - p - set(why)),
            "peer only, by design": sorted(why),
        }
        absent = all(r not in rules_known for r in rules)
        label = ", ".join(rules) + (" (not in this build)" if absent else "")
        rows.append([peer, ", ".join(checks), label] + [len(v) for v in cells.values()] + [note])
        report["pairs"].append({"peer": peer, "checks": checks, "rules": rules, "by_design": why,
                                **{c: v for c, v in cells.items()}})
        if args.details:
            details.append((f"{peer} {', '.join(checks)} / {', '.join(rules)}", cells, why))
    print("## Mapped checks\n")
    print(table(rows, ["peer", "peer check", "paved rule", "both", "only paved", "only peer",
                       "peer only, by design", "note"]))

    mapped = {(peer, c) for peer, checks, _, _, _ in PAIRS for c in checks}
    print("\n## Peer checks with no paved rule\n")
    urows = []
    for peer in sorted(peers):
        for c in sorted(peers[peer]):
            if (peer, c) in mapped:
                continue
            files = set(peer_reports(peer, [c])) & given[peer]
            if not files:
                continue
            kept = {u for u in files if not skip_reason(u, skipped)}
            urows.append([peer, c, len(files), len(kept)])
            report["unmapped_peer"][f"{peer} {c}"] = sorted(files)
    print(table(urows, ["peer", "check", "files", "files paved lints"]))

    print("\n## paved rules with no peer check (same surfaces)\n")
    prows = []
    for peer in sorted(peers):
        for r in PAVED_ONLY[peer]:
            files = paved_units([r]) & given[peer]
            prows.append([peer, r + ("" if r in rules_known else " (not in this build)"), len(files)])
            report["paved_only"][f"{peer} {r}"] = sorted(files)
    print(table(prows, ["surface of", "paved rule", "files"]))

    for title, cells, why in details:
        if not any(files for cell, files in cells.items() if cell != "both"):
            continue
        print(f"\n### {title}\n")
        for cell, files in cells.items():
            if cell == "both" or not files:
                continue
            print(f"- {cell} ({len(files)}):")
            for f in files:
                print(f"  - {f}" + (f" ({why[f]})" if f in why else ""))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1, sort_keys=True)


_RULES = None


def known_rules(paved):
    global _RULES
    if _RULES is None:
        out = json.loads(run([paved, "rules", "--format", "json"], REPO, ok=(0,)))
        _RULES = {r["id"] for r in (out if isinstance(out, list) else out.get("rules", []))}
    return _RULES


if __name__ == "__main__":
    main()
