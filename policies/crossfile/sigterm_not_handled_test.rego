package paved.rules.sigterm_not_handled_test

import rego.v1

import data.paved.rules.sigterm_not_handled as rule

serve := {"function": "http.Server.ListenAndServe", "file": "cmd/api/main.go", "line": 20, "col": 9}

sub(sigterm) := {"function": "signal.Notify", "sigterm": sigterm, "file": "cmd/api/main.go", "line": 12, "col": 2}

go(signals, frameworks) := {"dir": "cmd/api", "serves": [serve], "signals": signals, "signal_frameworks": frameworks}

repo(g) := repo_with(g, {}, null)

repo_with(g, extra, df_stop) := {
	"dockerfiles": [{"path": "Dockerfile", "stop_signal": df_stop}],
	"containers": [object.union(
		{"path": "k8s.yaml", "workload": "Deployment \"api\"", "name": "api", "dockerfile": 0, "built_by": "Dockerfile", "runs_go": true, "init": false, "test_hook": false, "go": g, "stop_signal": null},
		extra,
	)],
}

test_fires_without_any_subscription if {
	fs := rule.findings with input as repo(go([], []))
	count(fs) == 1
	some f in fs
	f.path == "cmd/api/main.go"
	f.line == 20
	f.col == 9
	not contains(f.msg, "other signals")
}

test_fires_when_only_other_signals_are_caught if {
	fs := rule.findings with input as repo(go([sub(false)], []))
	count(fs) == 1
	some f in fs
	contains(f.msg, "other signals only (signal.Notify at cmd/api/main.go:12)")
}

test_quiet_when_sigterm_is_or_may_be_caught if {
	count(rule.findings) == 0 with input as repo(go([sub(true)], []))
	count(rule.findings) == 0 with input as repo(go([sub(null)], []))
	count(rule.findings) == 0 with input as repo(go([sub(false), sub(true)], []))
	count(rule.findings) == 0 with input as repo(go([], ["go.uber.org/fx"]))
}

test_quiet_when_not_linked_not_serving_or_not_running_go if {
	count(rule.findings) == 0 with input as repo_with(go([], []), {"runs_go": false, "go": null}, null)
	count(rule.findings) == 0 with input as repo(object.union(go([], []), {"serves": []}))
	# Facts of an unresolved or merged binary have no directory and no serve calls.
	count(rule.findings) == 0 with input as repo({"routes": [], "routes_known": false, "unresolved": true})
	count(rule.findings) == 0 with input as repo_with(go([], []), {"init": true}, null)
	count(rule.findings) == 0 with input as repo_with(go([], []), {"workload": "Job \"migrate\""}, null)
	count(rule.findings) == 1 with input as repo_with(go([], []), {"workload": "StatefulSet \"db\""}, null)
	# A package of the binary paved has no code of may subscribe.
	count(rule.findings) == 0 with input as repo(object.union(go([], []), {"missing_packages": ["example.com/api/e2e/signals"]}))
	count(rule.findings) == 0 with input as repo_with(go([], []), {"test_hook": true}, null)
}

test_another_stop_signal_is_not_sigterm if {
	count(rule.findings) == 0 with input as repo_with(go([sub(false)], []), {}, "SIGINT")
	count(rule.findings) == 0 with input as repo_with(go([sub(false)], []), {"stop_signal": "SIGQUIT"}, null)
	count(rule.findings) == 1 with input as repo_with(go([sub(false)], []), {}, "SIGTERM")
	count(rule.findings) == 1 with input as repo_with(go([sub(false)], []), {}, "15")
	# The container's own stop signal wins over the image's.
	count(rule.findings) == 1 with input as repo_with(go([sub(false)], []), {"stop_signal": "SIGTERM"}, "SIGINT")
}
