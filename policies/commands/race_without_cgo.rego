# METADATA
# title: go test -race runs with cgo disabled
# description: >-
#   A `go test -race` (or `go build -race`, `go run -race`) runs where `CGO_ENABLED=0` is in
#   effect: on the command, from GitLab `variables:`, a workflow `env:`, a CircleCI
#   `environment:`, a Make `export`, a Dockerfile `ENV`/`ARG`, or an earlier `export` in the
#   same script.
# custom:
#   id: race-without-cgo
#   severity: error
#   rationale: >-
#     The race detector is implemented in the cgo runtime: Go stops with "go: -race requires
#     cgo; enable cgo by setting CGO_ENABLED=1", so the step fails, or is skipped by a wrapper
#     and the race tests never run.
#   fix: "Run the race tests with `CGO_ENABLED=1` (and a C compiler); keep CGO_ENABLED=0 for the release build only."
package paved.rules.race_without_cgo

import rego.v1

findings contains f if {
	some i, c in input.commands
	sub := data.paved.lib.commands.go_subcommand(c.argv)
	sub in {"test", "build", "run", "install"}
	"-race" in c.argv
	data.paved.lib.commands.env(c, "CGO_ENABLED") == "0"
	f := {
		"msg": sprintf("`go %s -race` runs with CGO_ENABLED=0, but the race detector requires cgo", [sub]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}
