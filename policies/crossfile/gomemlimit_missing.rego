# METADATA
# title: Go container has a memory limit but no GOMEMLIMIT
# description: >-
#   A container runs the Go binary of an image built from a Dockerfile in the repository
#   (linked through a build command's image tag; a `command:` that runs a shell, a script or
#   another program runs no Go) and has `resources.limits.memory`, but no `GOMEMLIMIT`
#   environment variable.
#   Helm test hooks (`helm.sh/hook: test`) are not workloads and are skipped.
# custom:
#   id: gomemlimit-missing
#   severity: warning
#   rationale: >-
#     The Go garbage collector does not know the container's memory limit: by default it lets
#     the heap grow to twice the live data before collecting, so a service under load crosses
#     the limit and is OOM-killed although collecting earlier would have kept it alive.
#   fix: "Set `GOMEMLIMIT` to about 90% of the memory limit (e.g. `230MiB` for `256Mi`), or from `resourceFieldRef: {resource: limits.memory}`."
package paved.rules.gomemlimit_missing

import rego.v1

findings contains f if {
	some c in input.containers
	not c.test_hook
	c.runs_go
	c.memory_limit != null
	not "GOMEMLIMIT" in c.env
	f := {
		"msg": sprintf(
			"container %q of %s runs the Go binary built by %s with a %v memory limit but no GOMEMLIMIT",
			[c.name, c.workload, c.built_by, c.memory_limit],
		),
		"path": c.path,
		"line": c.line,
		"col": c.col,
	}
}
