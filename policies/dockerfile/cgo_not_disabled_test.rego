package paved.rules.cgo_not_disabled_test

import rego.v1

import data.paved.rules.cgo_not_disabled as rule

run(argv, env, inherited) := {"kind": "dockerfile", "commands": [{"argv": argv, "env": env, "inherited_env": inherited, "text": "", "line": 3, "col": 5}]}

test_fires_when_unset_or_enabled if {
	count(rule.findings) == 1 with input as run(["go", "build", "./..."], {}, {})
	count(rule.findings) == 1 with input as run(["go", "install", "./cmd/x"], {"CGO_ENABLED": "1"}, {})
	count(rule.findings) == 1 with input as run(["go", "build", "."], {}, {"CGO_ENABLED": "1"})
}

test_quiet_when_disabled_inline_or_inherited if {
	count(rule.findings) == 0 with input as run(["go", "build", "./..."], {"CGO_ENABLED": "0"}, {})
	count(rule.findings) == 0 with input as run(["go", "build", "./..."], {}, {"CGO_ENABLED": "0"})
}

test_inline_assignment_wins if {
	count(rule.findings) == 1 with input as run(["go", "build", "."], {"CGO_ENABLED": "1"}, {"CGO_ENABLED": "0"})
}

test_quiet_for_other_commands_and_files if {
	count(rule.findings) == 0 with input as run(["go", "test", "./..."], {}, {})
	count(rule.findings) == 0 with input as object.union(run(["go", "build", "."], {}, {}), {"kind": "makefile"})
}

# CI files build binaries, not images: a CircleCI `go build` is not this rule's.
test_quiet_for_circleci if {
	count(rule.findings) == 0 with input as object.union(run(["go", "build", "."], {}, {}), {"kind": "circleci"})
}

test_names_the_makefile_a_run_make_runs if {
	r := run(["go", "build", "-o", "bin/app", "./cmd/app"], {}, {})
	from_make := {"kind": "dockerfile", "commands": [object.union(r.commands[0], {"via": "via `make compile`, Makefile:8"})]}
	{f.msg | some f in rule.findings} == {"`go build` runs with cgo enabled (CGO_ENABLED is not set): the binary links libc dynamically (via `make compile`, Makefile:8)"} with input as from_make
	# xx-go, tonistiigi/xx's cross-compiling wrapper, is the go tool.
	count(rule.findings) == 1 with input as run(["xx-go", "build", "."], {}, {})
}
