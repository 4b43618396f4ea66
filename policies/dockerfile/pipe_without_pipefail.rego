# METADATA
# title: RUN pipes without pipefail
# description: >-
#   A shell-form RUN pipes one command into another (`curl ... | tar x`) and neither the
#   stage's SHELL nor the RUN itself sets `-o pipefail`.
# custom:
#   id: pipe-without-pipefail
#   severity: warning
#   rationale: >-
#     A pipeline's status is its last command's: when `curl` fails (a 404, a dropped
#     connection) and `tar` or `sh` reads the empty stream happily, the build succeeds with a
#     broken layer, and the failure surfaces at run time, far from its cause.
#   fix: >-
#     Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `["/bin/sh", "-o", "pipefail", "-c"]`
#     where the shell supports it) before the RUN, or start the RUN with `set -o pipefail &&`.
package paved.rules.pipe_without_pipefail

import rego.v1

# Quoted text removed: a `|` inside quotes is no pipe.
unquoted(raw) := regex.replace(raw, `'[^']*'|"(\\.|[^"\\])*"`, "")

pipes(raw) if regex.match(`(^|[^|])\|([^|&]|$)`, unquoted(raw))

pipefail_shell_before(s, ii) if {
	some j, ins in s.instructions
	j < ii
	upper(ins.keyword) == "SHELL"
	some a in ins.exec
	contains(a, "pipefail")
}

findings contains f if {
	some si, s in input.dockerfile.stages
	some ii, ins in s.instructions
	upper(ins.keyword) == "RUN"
	ins.exec == null
	count(ins.heredocs) == 0
	pipes(ins.raw)
	not contains(ins.raw, "pipefail")
	not pipefail_shell_before(s, ii)
	f := {
		"msg": "RUN pipes commands without `-o pipefail`: a failure before the last `|` does not fail the build",
		"pointer": sprintf("/dockerfile/stages/%d/instructions/%d", [si, ii]),
	}
}
