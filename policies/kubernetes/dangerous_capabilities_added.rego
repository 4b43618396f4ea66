# METADATA
# title: Container adds a dangerous capability
# description: >-
#   A container's `securityContext.capabilities.add` grants SYS_ADMIN, NET_ADMIN, SYS_PTRACE,
#   SYS_MODULE, NET_RAW, BPF or ALL.
# custom:
#   id: dangerous-capabilities-added
#   severity: error
#   rationale: >-
#     These capabilities are most of root: SYS_ADMIN mounts filesystems and escapes most
#     sandboxes, SYS_MODULE loads kernel modules, SYS_PTRACE reads other processes' memory,
#     NET_ADMIN and NET_RAW rewrite routes and spoof packets on the pod network, BPF loads kernel
#     programs, and ALL is all of them. A container that holds one is a container escape away
#     from the node.
#   fix: >-
#     Drop the capability; if the process truly needs one, grant the narrowest (NET_BIND_SERVICE
#     to bind a low port) and say why with `# paved:ignore dangerous-capabilities-added -- reason`.
package paved.rules.dangerous_capabilities_added

import rego.v1

dangerous := {"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_RAW", "BPF", "ALL"}

# `CAP_SYS_ADMIN` and `sys_admin` are the same capability to the runtime.
normalized(cap) := trim_prefix(upper(cap), "CAP_")

findings contains f if {
	some w in input.workloads
	some c in w.containers
	adds := object.get(object.get(object.get(c.container, "securityContext", {}), "capabilities", {}), "add", [])
	is_array(adds)
	some i, cap in adds
	is_string(cap)
	normalized(cap) in dangerous
	f := {
		"msg": sprintf("%s adds capability %s", [data.paved.lib.k8s.describe(w, c), cap]),
		"pointer": sprintf("%s/securityContext/capabilities/add/%d", [c.pointer, i]),
	}
}
