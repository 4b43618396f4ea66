# METADATA
# title: Final Dockerfile stage runs as root
# description: >-
#   The final stage of a Dockerfile (the image that ships) has no USER instruction, or its
#   last USER is root or 0. A USER inherited through `FROM <earlier stage>` counts.
#   Not for test-runner images (the final stage runs `go test`), nor for a final stage on a
#   base image whose configuration already runs a non-root numeric user (distroless
#   `:nonroot` tags, Chainguard images other than `-dev`).
# custom:
#   id: dockerfile-user-root
#   severity: error
#   rationale: >-
#     Containers run as the image's user unless the orchestrator overrides it. Root in the
#     container is root on the host's kernel: a container escape or a writable host mount
#     becomes full host compromise.
#   fix: "End the final stage with a numeric non-root user, e.g. `USER 65532:65532` (distroless `nonroot`)."
#   examples:
#     bad: "FROM alpine:3.20\nCOPY app /app\nENTRYPOINT [\"/app\"]"
#     good: "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nUSER 65532:65532"
package paved.rules.dockerfile_user_root

import rego.v1

final_index := count(input.dockerfile.stages) - 1

final := input.dockerfile.stages[final_index]

# Images that run Go's tests (CI runs them) are not runtime images.
runtime if not input.dockerfile.test_runner

findings contains f if {
	input.kind == "dockerfile"
	runtime
	final.last_user == null
	not input.dockerfile.final_nonroot_base
	f := {
		"msg": "the final stage has no USER instruction, so the container runs as root",
		"pointer": sprintf("/dockerfile/stages/%d/from", [final_index]),
	}
}

findings contains f if {
	input.kind == "dockerfile"
	runtime
	final.last_user.user in {"root", "0"}
	f := {
		"msg": sprintf("the final stage runs as USER %s, which is root", [final.last_user.user]),
		"pointer": sprintf("/dockerfile/stages/%d/last_user", [final_index]),
	}
}
