# METADATA
# title: Container root filesystem is writable
# description: >-
#   A container's securityContext does not set `readOnlyRootFilesystem: true`.
# custom:
#   id: read-only-root-fs-missing
#   severity: warning
#   rationale: >-
#     A writable root filesystem lets an attacker who gets code execution drop tools and
#     persist changes in the container. A Go service needs at most a writable /tmp, which an
#     emptyDir provides.
#   fix: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the service writes."
package paved.rules.read_only_root_fs_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	data.paved.lib.k8s.own(c, "readOnlyRootFilesystem") != true
	f := {
		"msg": sprintf("%s has a writable root filesystem (readOnlyRootFilesystem is not true)", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": pointer(c),
	}
}

pointer(c) := sprintf("%s/securityContext/readOnlyRootFilesystem", [c.pointer]) if {
	data.paved.lib.k8s.own(c, "readOnlyRootFilesystem") != null
}

pointer(c) := c.pointer if data.paved.lib.k8s.own(c, "readOnlyRootFilesystem") == null
