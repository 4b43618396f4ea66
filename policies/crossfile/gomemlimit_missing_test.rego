package paved.rules.gomemlimit_missing_test

import rego.v1

import data.paved.rules.gomemlimit_missing as rule

runs(b, l) := true if {
	b == true
	l != null
}

runs(b, _) := false if b != true

runs(_, l) := false if l == null

repo(builds_go, limit, env, linked) := {
	"dockerfiles": [{"path": "Dockerfile", "builds_go": builds_go}],
	"containers": [{"path": "k8s.yaml", "line": 3, "col": 5, "name": "api", "workload": "Deployment \"api\"", "dockerfile": linked, "built_by": "Dockerfile", "runs_go": runs(builds_go, linked), "memory_limit": limit, "env": env}],
}

test_fires_for_go_image_with_limit_and_no_gomemlimit if {
	count(rule.findings) == 1 with input as repo(true, "256Mi", ["PORT"], 0)
}

test_quiet_otherwise if {
	count(rule.findings) == 0 with input as repo(true, "256Mi", ["GOMEMLIMIT"], 0)
	count(rule.findings) == 0 with input as repo(true, null, [], 0)
	count(rule.findings) == 0 with input as repo(false, "256Mi", [], 0)
	count(rule.findings) == 0 with input as repo(true, "256Mi", [], null)
}

test_quiet_for_helm_test_hooks if {
	r := repo(true, "256Mi", [], 0)
	hook := object.union(r, {"containers": [object.union(r.containers[0], {"test_hook": true})]})
	count(rule.findings) == 0 with input as hook
}
