# METADATA
# title: Final Dockerfile stage is a Go toolchain image
# description: >-
#   The final stage (the image that ships) is `FROM golang:...`, directly or through earlier
#   stages it builds on.
#   Not for test-runner images (the final stage runs `go test`).
# custom:
#   id: dockerfile-toolchain-in-runtime
#   severity: warning
#   rationale: >-
#     The Go toolchain image is about 800 MB of compiler, shell, package manager and sources the
#     service never runs: it slows every pull and widens the attack surface and the CVE list.
#     A static Go binary needs only a distroless or scratch base.
#   fix: "Build in a `golang:` stage and copy the binary into `gcr.io/distroless/static-debian12:nonroot` (or scratch)."
package paved.rules.dockerfile_toolchain_in_runtime

import rego.v1

stages := input.dockerfile.stages

# The stage whose FROM names a real image, following `FROM <earlier stage>` links.
root_stage(i) := i if stages[i].from.base_stage == null

root_stage(i) := root_stage(stages[i].from.base_stage) if stages[i].from.base_stage != null

findings contains f if {
	input.kind == "dockerfile"
	not input.dockerfile.test_runner
	last := count(stages) - 1
	root := root_stage(last)
	ref := stages[root].from.reference
	ref != null
	data.paved.lib.images.name(ref) == "golang"
	f := {
		"msg": sprintf("the final stage runs on the Go toolchain image %q", [stages[root].from.image]),
		"pointer": sprintf("/dockerfile/stages/%d/from", [last]),
	}
}
