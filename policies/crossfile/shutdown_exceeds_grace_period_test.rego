package paved.rules.shutdown_exceeds_grace_period_test

import rego.v1

import data.paved.rules.shutdown_exceeds_grace_period as rule

shutdown(ms, flag) := {"function": "http.Server.Shutdown", "timeout_ms": ms, "flag": flag, "arg": "ctx", "file": "cmd/api/main.go", "line": 40, "col": 6}

repo(shutdowns, extra) := {"containers": [object.union(
	{
		"path": "k8s.yaml", "workload": "Deployment \"api\"", "name": "api", "runs_go": true, "init": false, "test_hook": false,
		"go": {"dir": "cmd/api", "shutdowns": shutdowns},
		"termination_grace_period": null, "pre_stop_sleep": null, "command": null, "args": null, "env": [],
		"line": 9, "col": 11, "grace_line": 9, "grace_col": 11,
	},
	extra,
)]}

test_fires_at_the_default_grace_period if {
	fs := rule.findings with input as repo([shutdown(30000, null)], {})
	count(fs) == 1
	some f in fs
	f.line == 9
	contains(f.msg, "http.Server.Shutdown at cmd/api/main.go:40 may take 30s: that reaches")
	contains(f.msg, "reaches the default terminationGracePeriodSeconds of 30")
}

test_fires_with_the_pre_stop_sleep_and_points_at_the_grace_period if {
	fs := rule.findings with input as repo([shutdown(20000, null)], {"termination_grace_period": 25, "pre_stop_sleep": 5, "grace_line": 7, "grace_col": 38})
	count(fs) == 1
	some f in fs
	[f.line, f.col] == [7, 38]
	contains(f.msg, "plus a 5s preStop sleep (25s in all)")
	contains(f.msg, "terminationGracePeriodSeconds of 25")
}

test_the_longest_known_timeout_counts if {
	fs := rule.findings with input as repo([shutdown(10000, null), shutdown(45000, null), shutdown(null, null)], {"termination_grace_period": 40})
	count(fs) == 1
	some f in fs
	contains(f.msg, "45s")
}

test_quiet_when_it_fits_or_is_unknown if {
	count(rule.findings) == 0 with input as repo([shutdown(25000, null)], {})
	count(rule.findings) == 0 with input as repo([shutdown(20000, null)], {"pre_stop_sleep": 5})
	count(rule.findings) == 0 with input as repo([shutdown(null, null)], {"termination_grace_period": 1})
	count(rule.findings) == 0 with input as repo([], {})
	count(rule.findings) == 0 with input as repo([shutdown(60000, null)], {"termination_grace_period": 90})
	count(rule.findings) == 0 with input as repo([shutdown(60000, null)], {"runs_go": false, "go": null})
	count(rule.findings) == 0 with input as repo([shutdown(60000, null)], {"init": true})
	count(rule.findings) == 0 with input as repo([shutdown(60000, null)], {"workload": "CronJob \"backup\""})
	# A grace period that is no number (a template gone wrong) says nothing.
	count(rule.findings) == 0 with input as repo([shutdown(60000, null)], {"termination_grace_period": "x"})
}

test_a_flag_default_the_container_overrides_is_not_the_budget if {
	count(rule.findings) == 1 with input as repo([shutdown(60000, "shutdown-timeout")], {})
	count(rule.findings) == 0 with input as repo([shutdown(60000, "shutdown-timeout")], {"args": ["--shutdown-timeout=10s"]})
	count(rule.findings) == 0 with input as repo([shutdown(60000, "shutdown-timeout")], {"command": ["/api", "-shutdown-timeout", "10s"]})
	count(rule.findings) == 0 with input as repo([shutdown(60000, "shutdown-timeout")], {"env": ["APP_SHUTDOWN_TIMEOUT"]})
}
