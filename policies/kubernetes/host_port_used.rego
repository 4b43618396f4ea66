# METADATA
# title: Container port binds a host port
# description: >-
#   A container port sets `hostPort`: the port is opened on the node itself, not only on the
#   pod.
# custom:
#   id: host-port-used
#   severity: warning
#   rationale: >-
#     A hostPort exposes the container on the node's address, outside Services and most
#     NetworkPolicy enforcement, and ties the pod to nodes where that port is free: two replicas
#     cannot share a node, and a rollout can stall with pods Pending.
#   fix: >-
#     Remove `hostPort` and expose the port through a Service (or an Ingress/Gateway); node
#     agents that must listen on the node say why with `# paved:ignore host-port-used -- reason`.
package paved.rules.host_port_used

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	some i, p in object.get(c.container, "ports", [])
	is_object(p)
	port := object.get(p, "hostPort", null)
	port != null
	port != 0
	f := {
		"msg": sprintf("%s opens host port %v on the node (containerPort %v)", [data.paved.lib.k8s.describe(w, c), port, object.get(p, "containerPort", "?")]),
		"pointer": sprintf("%s/ports/%d/hostPort", [c.pointer, i]),
	}
}
