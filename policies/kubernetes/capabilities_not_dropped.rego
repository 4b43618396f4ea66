# METADATA
# title: Container keeps the default Linux capabilities
# description: A container's securityContext does not drop `ALL` capabilities.
# custom:
#   id: capabilities-not-dropped
#   severity: warning
#   rationale: >-
#     Containers start with a default set of capabilities (NET_RAW, CHOWN, SETUID and more)
#     that an HTTP service never uses but an attacker can: NET_RAW alone allows ARP and DNS
#     spoofing on the node's network.
#   fix: "Set `securityContext.capabilities.drop: [ALL]` and add back only what is needed."
package paved.rules.capabilities_not_dropped

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	not drops_all(c)
	f := {
		"msg": sprintf("%s does not drop ALL capabilities", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": pointer(c),
	}
}

# A drop list without ALL is the wrong value: point at it.
pointer(c) := sprintf("%s/securityContext/capabilities/drop", [c.pointer]) if {
	is_array(object.get(object.get(c.container, "securityContext", {}), ["capabilities", "drop"], null))
}

pointer(c) := c.pointer if {
	not is_array(object.get(object.get(c.container, "securityContext", {}), ["capabilities", "drop"], null))
}

drops_all(c) if {
	some cap in object.get(object.get(c.container, "securityContext", {}), ["capabilities", "drop"], [])
	upper(cap) == "ALL"
}
