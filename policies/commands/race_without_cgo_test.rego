package paved.rules.race_without_cgo_test

import rego.v1

import data.paved.rules.race_without_cgo as rule

cmd(argv, env, inherited) := {"commands": [{"argv": argv, "env": env, "inherited_env": inherited, "text": "", "line": 1, "col": 1}]}

test_fires_when_cgo_is_off if {
	count(rule.findings) == 1 with input as cmd(["go", "test", "-race", "./..."], {}, {"CGO_ENABLED": "0"})
	count(rule.findings) == 1 with input as cmd(["go", "test", "-race", "./..."], {"CGO_ENABLED": "0"}, {})
}

test_quiet_otherwise if {
	count(rule.findings) == 0 with input as cmd(["go", "test", "-race", "./..."], {"CGO_ENABLED": "1"}, {"CGO_ENABLED": "0"})
	count(rule.findings) == 0 with input as cmd(["go", "test", "./..."], {}, {"CGO_ENABLED": "0"})
	count(rule.findings) == 0 with input as cmd(["go", "test", "-race", "./..."], {}, {})
	count(rule.findings) == 0 with input as cmd(["echo", "go", "test", "-race"], {}, {"CGO_ENABLED": "0"})
}

# CircleCI: the job's `environment:` (inherited) disables cgo; a step's own `environment:`,
# merged over it by the input, can turn it back on.
circleci(inherited) := object.union(cmd(["go", "test", "-race", "./..."], {}, inherited), {"kind": "circleci"})

test_circleci_environment if {
	count(rule.findings) == 1 with input as circleci({"CGO_ENABLED": "0"})
	count(rule.findings) == 0 with input as circleci({"CGO_ENABLED": "1"})
}
