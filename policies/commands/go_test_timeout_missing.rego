# METADATA
# title: go test runs without -timeout
# description: >-
#   A `go test` command (in a Makefile recipe after variable expansion, a CI script: GitHub
#   `run:` of workflows and composite actions, GitLab `script:`, CircleCI `run:`, a Dockerfile
#   RUN, CMD or ENTRYPOINT, or a shell script) has no `-timeout` flag; gotestsum counts as `go test` with the flags after its
#   `--`.
# custom:
#   id: go-test-timeout-missing
#   severity: error
#   rationale: >-
#     Without -timeout, go test uses its 10-minute default per test binary, and a hung test
#     holds a CI runner until the job's own limit kills it without a goroutine dump. An
#     explicit, shorter -timeout fails fast and prints every goroutine's stack, which shows
#     where the test hung.
#   fix: "Add an explicit timeout: `go test -timeout 120s ./...` (or `-timeout=5m`, or set it in GOFLAGS)."
#   examples:
#     bad: "go test -race ./..."
#     good: "go test -race -timeout 120s ./..."
package paved.rules.go_test_timeout_missing

import rego.v1

findings contains f if {
	some i, c in input.commands
	data.paved.lib.commands.runs_go_test(c.argv)
	args := data.paved.lib.commands.go_test_args(c.argv)
	not compile_only(args)
	not has_timeout(args)
	not goflags_timeout(c)
	f := {
		"msg": sprintf("`%s` has no -timeout: a hung test blocks CI for the 10-minute default", [short(c.text)]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

has_timeout(argv) if {
	some a in argv
	regex.match(`^--?(test\.)?timeout(=.*)?$`, a)
}

# GOFLAGS=-timeout=5m applies to every go test.
goflags_timeout(c) if {
	flags := data.paved.lib.commands.env(c, "GOFLAGS")
	is_string(flags)
	regex.match(`(^|\s)--?(test\.)?timeout=`, flags)
}

# `go test -c` only compiles the test binary.
compile_only(argv) if "-c" in argv

# Long command lines are cut in messages (the source line is shown beside them).
short(text) := text if count(text) <= 60

short(text) := sprintf("%s...", [substring(text, 0, 57)]) if count(text) > 60
