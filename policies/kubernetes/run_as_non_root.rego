# METADATA
# title: Pod or container may run as root
# description: >-
#   The effective security context of a container (its own settings overriding the pod's) does
#   not guarantee a non-root user: neither `runAsNonRoot: true` nor `runAsUser` greater than 0.
# custom:
#   id: run-as-non-root
#   severity: error
#   rationale: >-
#     Without these settings the container runs as whatever user its image declares, often
#     root. Requiring a non-root user makes the kubelet refuse to start an image that would run
#     as root, instead of running it.
#   fix: "Set `securityContext: {runAsNonRoot: true, runAsUser: 65532}` on the pod (or each container)."
package paved.rules.run_as_non_root

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	not non_root(w, c)
	f := {
		"msg": sprintf("%s may run as root: neither runAsNonRoot: true nor a runAsUser above 0 is in effect", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": pointer(w, c),
	}
}

# A runAsNonRoot: false (or runAsUser: 0) in effect is the wrong value: point at it.
pointer(w, c) := data.paved.lib.k8s.value_pointer(w, c, "runAsNonRoot") if {
	data.paved.lib.k8s.effective(w, c, "runAsNonRoot") != null
}

pointer(w, c) := data.paved.lib.k8s.value_pointer(w, c, "runAsUser") if {
	data.paved.lib.k8s.effective(w, c, "runAsNonRoot") == null
	data.paved.lib.k8s.effective(w, c, "runAsUser") != null
}

pointer(w, c) := c.pointer if {
	data.paved.lib.k8s.effective(w, c, "runAsNonRoot") == null
	data.paved.lib.k8s.effective(w, c, "runAsUser") == null
}

non_root(w, c) if data.paved.lib.k8s.effective(w, c, "runAsNonRoot") == true

non_root(w, c) if {
	user := data.paved.lib.k8s.effective(w, c, "runAsUser")
	is_number(user)
	user > 0
}
