package paved.rules.go_test_timeout_missing_test

import rego.v1

import data.paved.rules.go_test_timeout_missing as rule

cmd(argv) := {"argv": argv, "env": {}, "inherited_env": {}, "text": concat(" ", argv), "line": 1, "col": 1}

test_fires_without_timeout if {
	count(rule.findings) == 1 with input as {"commands": [cmd(["go", "test", "-race", "./..."])]}
}

test_fires_for_full_path_go if {
	count(rule.findings) == 1 with input as {"commands": [cmd(["/usr/local/go/bin/go", "test", "./..."])]}
}

test_quiet_with_timeout_forms if {
	inputs := [
		["go", "test", "-timeout", "30s", "./..."],
		["go", "test", "-timeout=30s", "./..."],
		["go", "test", "--timeout=1m", "./..."],
		["go", "test", "./...", "-test.timeout=30s"],
	]
	every argv in inputs {
		count(rule.findings) == 0 with input as {"commands": [cmd(argv)]}
	}
}

test_quiet_for_other_commands if {
	inputs := [["echo", "go test ./..."], ["go", "build", "./..."], ["go", "test", "-c", "./pkg"], ["gotestsum", "--", "-timeout=60s", "./..."], ["go", "tool", "gotestsum", "--", "-c", "./x"]]
	every argv in inputs {
		count(rule.findings) == 0 with input as {"commands": [cmd(argv)]}
	}
}

test_quiet_with_goflags if {
	c := object.union(cmd(["go", "test", "./..."]), {"inherited_env": {"GOFLAGS": "-mod=mod -timeout=5m"}})
	count(rule.findings) == 0 with input as {"commands": [c]}
}

# CircleCI `run:` steps are commands like any other CI script's, their `environment:` included.
circleci_step(argv, inherited) := object.union(cmd(argv), {"context": "run", "owner": "test", "inherited_env": inherited})

test_circleci_run_steps if {
	count(rule.findings) == 1 with input as {"kind": "circleci", "commands": [circleci_step(["go", "test", "./..."], {})]}
	count(rule.findings) == 0 with input as {"kind": "circleci", "commands": [circleci_step(["go", "test", "-timeout=2m", "./..."], {})]}
	count(rule.findings) == 0 with input as {"kind": "circleci", "commands": [circleci_step(["go", "test", "./..."], {"GOFLAGS": "-timeout=5m"})]}
}

test_gotestsum_runs_go_test if {
	inputs := [
		["gotestsum", "--format", "testname"],
		["gotestsum", "--", "-race", "./..."],
		["/go/bin/gotestsum", "--junitfile", "r.xml", "--", "./..."],
		["go", "tool", "gotestsum", "--", "./..."],
		["go", "run", "gotest.tools/gotestsum@v1.12.0", "--", "./..."],
	]
	every argv in inputs {
		count(rule.findings) == 1 with input as {"commands": [cmd(argv)]}
	}
	count(rule.findings) == 0 with input as {"commands": [cmd(["gotestsum", "--format", "dots", "--", "-timeout", "5m", "./..."])]}
}
