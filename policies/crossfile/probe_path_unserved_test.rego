package paved.rules.probe_path_unserved_test

import rego.v1

import data.paved.rules.probe_path_unserved as rule

route(path, method, subtree) := {"path": path, "method": method, "subtree": subtree, "unknown_prefix": false, "unresolved": false}

repo(routes, probe_path, linked) := repo_go(routes, probe_path, linked, true)

repo_go(routes, probe_path, linked, known) := {
	"dockerfiles": [{"path": "Dockerfile"}],
	"containers": [{
		"path": "k8s.yaml", "name": "api", "dockerfile": linked, "built_by": "Dockerfile", "runs_go": linked != null,
		"go": {"dir": "cmd/api", "routes": routes, "routes_known": known},
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

test_quiet_when_the_router_is_unknown_or_no_go_runs if {
	count(rule.findings) == 0 with input as repo_go([route("/health", "GET", false)], "/healthz", 0, false)
	r := repo([route("/health", "GET", false)], "/healthz", 0)
	not_go := object.union(r, {"containers": [object.union(r.containers[0], {"runs_go": false})]})
	count(rule.findings) == 0 with input as not_go
}

test_framework_routes_serve_subtrees if {
	served := object.union(route("/readyz", null, true), {"served_by_framework": true})
	count(rule.findings) == 0 with input as repo([served], "/readyz/ping", 0)
	count(rule.findings) == 1 with input as repo([served], "/ready", 0)
	# Framework health endpoints alone say nothing about a file server on another port.
	count(rule.findings) == 0 with input as repo([served], "/", 0)
	count(rule.findings) == 1 with input as repo([served, route("/api", null, false)], "/", 0)
}
