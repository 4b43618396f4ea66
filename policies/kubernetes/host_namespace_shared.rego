# METADATA
# title: Pod shares a host namespace
# description: >-
#   A pod sets `hostNetwork`, `hostPID` or `hostIPC` to true: its containers see the node's
#   network interfaces, its processes, or its shared memory.
# custom:
#   id: host-namespace-shared
#   severity: error
#   rationale: >-
#     With the host's network a container can bind any node port and sniff or spoof the node's
#     traffic, past every NetworkPolicy; with its PID namespace it can see (and, as root, signal
#     or ptrace) every process on the node, including other pods' secrets in their environment
#     and command lines; with its IPC namespace it reads other processes' shared memory. One
#     compromised container then becomes the node's.
#   fix: >-
#     Remove `hostNetwork`/`hostPID`/`hostIPC` (expose ports through a Service; use a sidecar
#     or the downward API for what the process needs); node agents that truly need them
#     document why with `# paved:ignore host-namespace-shared -- reason`.
package paved.rules.host_namespace_shared

import rego.v1

namespaces := {
	"hostNetwork": "network namespace (it can bind any port of the node and sees its traffic)",
	"hostPID": "process namespace (it sees and can signal every process on the node)",
	"hostIPC": "IPC namespace (it can read other processes' shared memory)",
}

findings contains f if {
	some w in input.workloads
	some field, what in namespaces
	object.get(w.pod, field, false) == true
	f := {
		"msg": sprintf("%s %q sets %s: true, sharing the host's %s", [w.kind, w.name, field, what]),
		"pointer": sprintf("%s/%s", [w.pointer, field]),
	}
}
