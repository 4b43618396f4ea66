# METADATA
# title: Container has no CPU or memory requests
# description: >-
#   A container (or init container) of any workload lacks `resources.requests.cpu` or
#   `resources.requests.memory`; the message says which.
#   Helm test hooks (`helm.sh/hook: test`) are not workloads and are skipped.
# custom:
#   id: resource-requests-missing
#   severity: error
#   rationale: >-
#     The scheduler places pods by their requests. Without them a pod is BestEffort: it can land
#     on a full node, is the first evicted under pressure, and autoscalers cannot compute
#     utilisation.
#   fix: "Set `resources.requests.cpu` and `resources.requests.memory` to what the service needs at steady load."
package paved.rules.resource_requests_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	not w.test_hook
	some c in w.containers
	missing := [r | some r in ["cpu", "memory"]; not c.container.resources.requests[r]]
	count(missing) > 0
	f := {
		"msg": sprintf("%s has no %s request", [data.paved.lib.k8s.describe(w, c), concat(" or ", missing)]),
		"pointer": c.pointer,
	}
}
