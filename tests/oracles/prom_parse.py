#!/usr/bin/env python3
"""Prometheus' own Python client as a test oracle for the text exposition format.

Run with the test venv's python (scripts/setup-test-tools.sh installs prometheus-client):

  prom_parse.py < METRICS_TEXT

parses stdin with prometheus_client.parser.text_string_to_metric_families (which raises on
malformed input) and prints the families as JSON:
  [{"name": "http_requests", "type": "counter", "help": "...",
    "samples": [{"name": "http_requests_total", "labels": {...}, "value": 3.0}]}]
Exit codes: 0 parsed, 1 the text does not parse.
"""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = [
            {
                "name": f.name,
                "type": f.type,
                "help": f.documentation,
                "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples],
            }
            for f in text_string_to_metric_families(text)
        ]
    except Exception as err:  # the parser raises ValueError, TypeError, ... on bad input
        print(f"Error: not the Prometheus text format: {err!r}", file=sys.stderr)
        return 1
    json.dump(families, sys.stdout, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
