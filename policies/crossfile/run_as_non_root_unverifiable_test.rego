package paved.rules.run_as_non_root_unverifiable_test

import rego.v1

import data.paved.rules.run_as_non_root_unverifiable as rule

repo(user, non_root, run_as_user, linked) := {
	"dockerfiles": [{"path": "Dockerfile", "final_user": user}],
	"containers": [{
		"path": "k8s.yaml", "line": 9, "col": 11, "name": "api", "workload": "Deployment \"api\"",
		"dockerfile": linked, "run_as_non_root": non_root, "run_as_user": run_as_user,
	}],
}

test_fires_for_named_user_and_runasnonroot if {
	fs := rule.findings with input as repo({"user": "app", "line": 12}, true, null, 0)
	count(fs) == 1
	some f in fs
	f.path == "k8s.yaml"
	contains(f.msg, "Dockerfile:12 sets USER app")
}

test_quiet_with_numeric_user_run_as_user_or_no_link if {
	count(rule.findings) == 0 with input as repo({"user": "10001", "line": 12}, true, null, 0)
	count(rule.findings) == 0 with input as repo({"user": "app", "line": 12}, true, 10001, 0)
	count(rule.findings) == 0 with input as repo({"user": "app", "line": 12}, null, null, 0)
	count(rule.findings) == 0 with input as repo({"user": "app", "line": 12}, true, null, null)
}
