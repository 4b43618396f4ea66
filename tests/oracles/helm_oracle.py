#!/usr/bin/env python3
"""Real Helm (v4 Go SDK via PyPI helm-python-sdk, module helm_python) as a test oracle.

Run with the test venv's python (scripts/setup-test-tools.sh; source $PAVED_TOOLS/env.sh):

  helm_oracle.py lint CHART_DIR [VALUE OPTIONS]
      `helm lint --strict`: prints one line per finding; exit 1 on any warning or error
      (values.schema.json violations are errors). INFO findings are printed, not fatal.
  helm_oracle.py render CHART_DIR [VALUE OPTIONS] [--release NAME] [--namespace NS]
      `helm template`: the manifests as one multi-document YAML stream on stdout, in
      Helm's own order and shape ("---" / "# Source: CHART/templates/FILE" / object);
      NOTES.txt is not printed. Exit 1 with Helm's message on a render or schema error.

VALUE OPTIONS, applied in this order, later ones winning (as with helm):
  --values FILE       a values file (repeatable; deep-merged like helm -f)
  --set-json JSON     a JSON object of values ('{"image":{"tag":"1.2.3"}}'), or Helm's
                      KEY=JSON syntax ('image.tag="1.2.3"'); repeatable

Defaults: release "release-name", namespace "default" (like `helm template`).
Exit codes: 0 ok, 1 lint findings / render failure, 2 usage error.
"""

import argparse
import json
import sys

import helm_python as helm

# Only a placeholder: a client-side dry run never contacts a cluster, and this keeps the
# caller's KUBECONFIG out of the picture.
_OFFLINE_KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
users: [{name: none, user: {}}]
current-context: none
"""


def merge(dst, src):
    """Deep-merge src into dst (maps merge, everything else is replaced), like helm -f."""
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            merge(dst[key], value)
        else:
            dst[key] = value
    return dst


def user_values(args):
    values = {}
    for path in args.values:
        with open(path, encoding="utf-8") as fh:
            merge(values, helm.values_from_yaml(fh.read()) or {})
    for expr in args.set_json:
        if expr.lstrip().startswith("{"):
            merge(values, json.loads(expr))
        else:
            merge(values, helm.parse_set_json(expr))
    return values


def lint(args):
    report = helm.lint(args.chart, user_values(args), strict=True)
    names = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}
    failed = bool(report.get("errors"))
    for msg in report.get("messages") or []:
        failed |= msg["severity"] >= 2
        print(f"[{names.get(msg['severity'], msg['severity'])}] {msg['path']}: {msg['error'].strip()}")
    print(f"{report.get('total_charts_linted', 0)} chart(s) linted, {'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


def render(args):
    # `helm template` is an install with a client-side dry run; its "manifest" is exactly
    # what `helm template` prints (hooks aside: the chart has none).
    values = user_values(args)
    with helm.Chart.load(args.chart) as chart, helm.Config(
        kubeconfig_content=_OFFLINE_KUBECONFIG, namespace=args.namespace, storage_driver="memory"
    ) as config:
        release = config.install(chart, args.release, values, namespace=args.namespace, dry_run="client")
    sys.stdout.write(release["manifest"].strip() + "\n")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Real Helm as a test oracle (see module doc).")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("lint", lint), ("render", render)):
        p = sub.add_parser(name)
        p.add_argument("chart", metavar="CHART_DIR")
        p.add_argument("--values", "-f", action="append", default=[], metavar="FILE")
        p.add_argument("--set-json", action="append", default=[], metavar="JSON")
        if name == "render":
            p.add_argument("--release", default="release-name")
            p.add_argument("--namespace", default="default")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (helm.HelmError, OSError, ValueError) as err:  # ValueError covers bad JSON
        print(f"Error: {err}".rstrip(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
