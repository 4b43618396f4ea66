# METADATA
# title: Container has no CPU or memory limits
# description: >-
#   A container (or init container) of any workload lacks `resources.limits.cpu` or
#   `resources.limits.memory`; the message says which.
#   Helm test hooks (`helm.sh/hook: test`) are not workloads and are skipped.
# custom:
#   id: resource-limits-missing
#   severity: error
#   rationale: >-
#     Without a memory limit one leaking pod can take a node's memory and get its neighbours
#     OOM-killed; without a CPU limit a busy pod starves them. Limits also let a Go service
#     set GOMEMLIMIT, so its GC works before the kernel kills it.
#   fix: "Set `resources.limits.cpu` and `resources.limits.memory` (e.g. `500m` and `256Mi`)."
package paved.rules.resource_limits_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	not w.test_hook
	some c in w.containers
	missing := [r | some r in ["cpu", "memory"]; not c.container.resources.limits[r]]
	count(missing) > 0
	f := {
		"msg": sprintf("%s has no %s limit", [data.paved.lib.k8s.describe(w, c), concat(" or ", missing)]),
		"pointer": c.pointer,
	}
}
