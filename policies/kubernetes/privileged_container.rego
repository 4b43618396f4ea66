# METADATA
# title: Container runs privileged
# description: >-
#   A container's securityContext sets `privileged: true`.
# custom:
#   id: privileged-container
#   severity: warning
#   rationale: >-
#     A privileged container has every capability and every host device: it is root on the
#     node in all but name, and one compromise of it is a compromise of the node.
#   fix: "Remove `privileged: true`; grant only the specific capability needed, if any."
package paved.rules.privileged_container

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	data.paved.lib.k8s.own(c, "privileged") == true
	f := {
		"msg": sprintf("%s runs privileged: it has full access to the node", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": sprintf("%s/securityContext/privileged", [c.pointer]),
	}
}
