# METADATA
# title: Container runs without a seccomp profile
# description: >-
#   Neither the container's nor the pod's securityContext sets `seccompProfile.type` to
#   `RuntimeDefault` or `Localhost` (the container's own setting wins over the pod's). An
#   explicit `Unconfined` is reported at that value. The old
#   `seccomp.security.alpha.kubernetes.io` annotations do not count: the kubelet has ignored
#   them since Kubernetes 1.27. Windows pods (`spec.os.name: windows`) have no seccomp and are
#   skipped.
# custom:
#   id: seccomp-profile-missing
#   severity: warning
#   rationale: >-
#     Kubernetes runs containers `Unconfined` unless told otherwise (only nodes started with
#     the kubelet's `--seccomp-default` change that), so every one of the ~400 Linux system
#     calls is open to the process. Most container escapes go through a rarely used call
#     (`unshare` and user namespaces, `keyctl`, `bpf`, `ptrace`, `mount`); the runtime's default
#     profile blocks those while allowing everything a Go service uses. It is the cheapest
#     kernel attack-surface reduction there is, and the Pod Security "restricted" level requires it.
#   fix: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or on each container)."
package paved.rules.seccomp_profile_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	not windows(w)
	some c in w.containers
	type := profile_type(w, c)
	not type in {"RuntimeDefault", "Localhost"}
	f := {
		"msg": message(w, c, type),
		"pointer": pointer(w, c, type),
	}
}

windows(w) if w.pod.os.name == "windows"

# The container's own profile wins over the pod's; "" when neither sets one.
profile_type(w, c) := object.get(c.container, ["securityContext", "seccompProfile", "type"], pod_type(w))

pod_type(w) := object.get(w.pod, ["securityContext", "seccompProfile", "type"], "")

message(w, c, "") := sprintf("%s has no seccomp profile: it runs Unconfined (set securityContext.seccompProfile.type: RuntimeDefault)", [data.paved.lib.k8s.describe(w, c)])

message(w, c, type) := sprintf("%s sets seccompProfile.type %v: it runs without a seccomp filter", [data.paved.lib.k8s.describe(w, c), type]) if type != ""

pointer(w, c, "") := c.pointer

pointer(w, c, type) := sprintf("%s/securityContext/seccompProfile/type", [c.pointer]) if {
	type != ""
	object.get(c.container, ["securityContext", "seccompProfile", "type"], null) != null
}

pointer(w, c, type) := sprintf("%s/securityContext/seccompProfile/type", [w.pointer]) if {
	type != ""
	object.get(c.container, ["securityContext", "seccompProfile", "type"], null) == null
}
