package paved.rules.probe_path_unserved_test

import rego.v1

import data.paved.rules.probe_path_unserved as rule

route(path, method, subtree) := {"path": path, "method": method, "subtree": subtree, "unknown_prefix": false, "unresolved": false}

repo(routes, probe_path, linked) := {
	"dockerfiles": [{"path": "Dockerfile", "go_routes": routes}],
	"containers": [{
		"path": "k8s.yaml", "name": "api", "dockerfile": linked,
		"probes": [{"probe": "livenessProbe", "handler": "httpGet", "path": probe_path, "path_line": 14, "path_col": 19}],
	}],
}

test_fires_for_unserved_path if {
	count(rule.findings) == 1 with input as repo([route("/health", "GET", false)], "/healthz", 0)
	count(rule.findings) == 1 with input as repo([route("/health", "POST", false)], "/health", 0)
}

test_quiet_when_served if {
	count(rule.findings) == 0 with input as repo([route("/health", "GET", false)], "/health", 0)
	count(rule.findings) == 0 with input as repo([route("/health", null, false)], "/health?full=1", 0)
	count(rule.findings) == 0 with input as repo([route("/", null, true)], "/anything", 0)
}

test_quiet_when_unlinked_or_unknown if {
	count(rule.findings) == 0 with input as repo([route("/health", "GET", false)], "/healthz", null)
	count(rule.findings) == 0 with input as repo([], "/healthz", 0)
	count(rule.findings) == 0 with input as repo([object.union(route("x", null, false), {"unresolved": true})], "/healthz", 0)
}
