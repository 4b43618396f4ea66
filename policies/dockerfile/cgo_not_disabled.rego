# METADATA
# title: go build in a Dockerfile runs with cgo enabled
# description: >-
#   A `go build` or `go install` in a Dockerfile RUN does not have `CGO_ENABLED=0` in effect:
#   not as an inline assignment, not through `ENV` in the stage or a stage it builds on, not as
#   an `ARG` default.
#   A `RUN make TARGET` runs the target's recipe from the Makefile beside the Dockerfile, with
#   the RUN's environment: its `go build` counts, reported at the RUN.
# custom:
#   id: cgo-not-disabled
#   severity: error
#   rationale: >-
#     With cgo on (the default when a C compiler is present, as in golang:*-bookworm), the
#     binary links the builder's libc dynamically. Copied into a distroless/static or scratch
#     image it fails at start with "no such file or directory"; copied into another distro it
#     depends on that libc's version.
#   fix: "Build with `CGO_ENABLED=0 go build ...` (or `ENV CGO_ENABLED=0` in the build stage)."
#   examples:
#     bad: "RUN go build -o /out/app ./cmd/app"
#     good: "RUN CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app"
package paved.rules.cgo_not_disabled

import rego.v1

findings contains f if {
	input.kind == "dockerfile"
	some i, c in input.commands
	sub := data.paved.lib.commands.go_subcommand(c.argv)
	sub in {"build", "install"}
	value := data.paved.lib.commands.env(c, "CGO_ENABLED")
	value != "0"
	f := {
		"msg": sprintf("`go %s` runs with cgo enabled (%s): the binary links libc dynamically%s", [sub, why(value), via(c)]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

# A command the RUN's `make TARGET` runs from the Makefile says where it is written.
via(c) := sprintf(" (%s)", [c.via]) if c.via

via(c) := "" if not c.via

why(null) := "CGO_ENABLED is not set"

why(v) := sprintf("CGO_ENABLED=%s", [v]) if v != null
