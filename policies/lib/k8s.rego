# Helpers for rules over `input.workloads` (every Kubernetes object that runs pods).
package paved.lib.k8s

import rego.v1

# The value of securityContext field `name` for container `c` of workload `w`: the
# container's own setting overrides the pod's; null when neither sets it.
effective(w, c, name) := object.get(object.get(c.container, "securityContext", {}), name, pod_value(w, name))

pod_value(w, name) := object.get(object.get(w.pod, "securityContext", {}), name, null)

# The container's own securityContext field, or null.
own(c, name) := object.get(object.get(c.container, "securityContext", {}), name, null)

# "container "app" of Deployment "web"" for messages.
describe(w, c) := sprintf("%s %q of %s %q", [kind(c), object.get(c.container, "name", "?"), w.kind, w.name])

kind(c) := "init container" if c.init

kind(c) := "container" if not c.init

# Where a finding about securityContext field `name` of container `c` points: the value in
# effect when one is set (the container's own, else the pod's), else the container.
value_pointer(w, c, name) := sprintf("%s/securityContext/%s", [c.pointer, name]) if own(c, name) != null

value_pointer(w, c, name) := sprintf("%s/securityContext/%s", [w.pointer, name]) if {
	own(c, name) == null
	pod_value(w, name) != null
}

value_pointer(w, c, name) := c.pointer if {
	own(c, name) == null
	pod_value(w, name) == null
}
