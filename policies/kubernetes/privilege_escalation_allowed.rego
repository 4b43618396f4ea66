# METADATA
# title: Container allows privilege escalation
# description: >-
#   A container's securityContext does not set `allowPrivilegeEscalation: false` (the
#   default allows it).
# custom:
#   id: privilege-escalation-allowed
#   severity: warning
#   rationale: >-
#     With escalation allowed, setuid binaries and file capabilities in the image can give a
#     process more privileges than its parent (no_new_privs is off). Services never need it.
#   fix: "Set `securityContext.allowPrivilegeEscalation: false` on every container."
package paved.rules.privilege_escalation_allowed

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	data.paved.lib.k8s.own(c, "allowPrivilegeEscalation") != false
	f := {
		"msg": sprintf("%s allows privilege escalation (allowPrivilegeEscalation is not false)", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": pointer(c),
	}
}

pointer(c) := sprintf("%s/securityContext/allowPrivilegeEscalation", [c.pointer]) if data.paved.lib.k8s.own(c, "allowPrivilegeEscalation") == true

pointer(c) := c.pointer if data.paved.lib.k8s.own(c, "allowPrivilegeEscalation") != true
