#!/usr/bin/env python3
"""Compares `paved render DIR` with `kustomize build DIR` for each DIR given (or every
kustomization root under the given directories with --roots): the documents parsed, in order.

Usage: scripts/kustomize-diff.py [--paved BIN] [--kustomize BIN] [--roots] DIR...
Prints one line per directory (same / differs / error) and, for differences, the first few
paths where the documents disagree. Exit 1 when any differs. A development aid; the test suite's
oracle is tests/kustomize_fidelity.rs.
"""
import argparse, os, subprocess, sys
import yaml

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kust_dirs(top):
    for d, subdirs, files in os.walk(top):
        subdirs[:] = [s for s in subdirs if s != ".git"]
        if any(n in files for n in NAMES):
            yield d


def referenced(d):
    f = next(os.path.join(d, n) for n in NAMES if os.path.isfile(os.path.join(d, n)))
    try:
        k = yaml.safe_load(open(f)) or {}
    except Exception:
        return []
    out = []
    for key in ("resources", "bases", "components"):
        for e in k.get(key) or []:
            if isinstance(e, str):
                p = os.path.realpath(os.path.join(d, e))
                if os.path.isdir(p):
                    out.append(p)
    return out


def is_component(d):
    f = next(os.path.join(d, n) for n in NAMES if os.path.isfile(os.path.join(d, n)))
    try:
        return (yaml.safe_load(open(f)) or {}).get("kind") == "Component"
    except Exception:
        return False


def is_kustomize(d):
    """Not a Flux Kustomization object saved as kustomization.yaml."""
    f = next(os.path.join(d, n) for n in NAMES if os.path.isfile(os.path.join(d, n)))
    try:
        v = (yaml.safe_load(open(f)) or {}).get("apiVersion")
    except Exception:
        return True
    return v is None or str(v).startswith("kustomize.config.k8s.io/")


def roots(tops):
    """Kustomizations no other one uses (components are built only through them)."""
    dirs = [os.path.realpath(d) for t in tops for d in kust_dirs(t) if is_kustomize(d)]
    used = {r for d in dirs for r in referenced(d)}
    return [d for d in dirs if d not in used and not is_component(d)]


def docs(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()[:400]
    try:
        return [d for d in yaml.safe_load_all(p.stdout) if d is not None], None
    except Exception as e:
        return None, f"output is not YAML: {e}"


def diff(a, b, path="", out=None):
    out = [] if out is None else out
    if len(out) > 8:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append(f"{path}/{k}: only kustomize has it: {str(b[k])[:120]}")
            elif k not in b:
                out.append(f"{path}/{k}: only paved has it: {str(a[k])[:120]}")
            else:
                diff(a[k], b[k], f"{path}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: paved has {len(a)} items, kustomize {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}/{i}", out)
    elif a != b:
        out.append(f"{path}: paved {str(a)[:120]!r} kustomize {str(b)[:120]!r}")
    return out


def ident(d):
    m = (d or {}).get("metadata") or {}
    return f"{d.get('kind')} {m.get('namespace', '')}/{m.get('name')}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paved", default="target/debug/paved")
    ap.add_argument("--kustomize", default="kustomize")
    ap.add_argument("--helm", default="helm", help="the helm CLI kustomize runs for helmCharts:")
    ap.add_argument("--roots", action="store_true", help="find the kustomization roots under each DIR")
    ap.add_argument("--list", action="store_true", help="with --roots: only print the roots, one per line")
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    dirs = roots(a.dirs) if a.roots else a.dirs
    if a.list:
        print("\n".join(dirs))
        return
    bad = 0
    for d in dirs:
        k, kerr = docs([a.kustomize, "build", "--enable-helm", "--helm-command", a.helm, d])
        p, perr = docs([a.paved, "render", d])
        if k is None or p is None:
            print(f"error   {d}: kustomize: {kerr or 'ok'} | paved: {perr or 'ok'}")
            bad += (k is None) != (p is None)
            continue
        problems = []
        if [ident(x) for x in p] != [ident(x) for x in k]:
            problems.append(f"objects: paved {[ident(x) for x in p]} kustomize {[ident(x) for x in k]}"[:600])
        for x, y in zip(p, k):
            problems += [f"{ident(y)}: {l}" for l in diff(x, y)]
        if problems:
            bad += 1
            print(f"differs {d}")
            for l in problems[:12]:
                print(f"    {l}")
        else:
            print(f"same    {d} ({len(k)} objects)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
