# The Kubernetes core rules of paved, written for conftest, so conftest does the same work as
# paved on the same manifests: image-latest-tag, liveness-probe-missing,
# readiness-probe-missing, resource-limits-missing, resource-requests-missing, run-as-non-root.
# Semantics follow docs/rules.md (containers and initContainers of every workload; probes only
# for long-running kinds and not for init containers; the effective securityContext is the
# container's over the pod's; `*List` objects are flattened). conftest evaluates each YAML
# document of a file as its own input.
package main

import rego.v1

long_running := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

objects contains o if {
	is_string(input.kind)
	not endswith(input.kind, "List")
	o := input
}

objects contains o if {
	endswith(input.kind, "List")
	some o in input.items
}

pod_spec(o) := o.spec if o.kind == "Pod"

pod_spec(o) := o.spec.jobTemplate.spec.template.spec if o.kind == "CronJob"

pod_spec(o) := o.template.spec if o.kind == "PodTemplate"

pod_spec(o) := o.spec.template.spec if not o.kind in {"Pod", "CronJob", "PodTemplate"}

# [object, pod spec, container, is init container]
containers contains [o, pod, c, false] if {
	some o in objects
	pod := pod_spec(o)
	some c in pod.containers
}

containers contains [o, pod, c, true] if {
	some o in objects
	pod := pod_spec(o)
	some c in pod.initContainers
}

name(o, c) := sprintf("container %q of %s %q", [object.get(c, "name", "?"), o.kind, object.get(o.metadata, "name", "?")])

# image-latest-tag: tag `latest`, or neither tag nor digest (a registry port is not a tag).
last_part(image) := parts[count(parts) - 1] if parts := split(image, "/")

floating(image) if {
	not contains(image, "@")
	not contains(last_part(image), ":")
}

floating(image) if {
	not contains(image, "@")
	endswith(last_part(image), ":latest")
}

deny contains msg if {
	some [o, _, c, _] in containers
	floating(c.image)
	msg := sprintf("image-latest-tag: %s uses image %q", [name(o, c), c.image])
}

deny contains msg if {
	some [o, _, c, init] in containers
	not init
	o.kind in long_running
	not c.livenessProbe
	msg := sprintf("liveness-probe-missing: %s", [name(o, c)])
}

deny contains msg if {
	some [o, _, c, init] in containers
	not init
	o.kind in long_running
	not c.readinessProbe
	msg := sprintf("readiness-probe-missing: %s", [name(o, c)])
}

deny contains msg if {
	some [o, _, c, _] in containers
	missing := [r | some r in ["cpu", "memory"]; not c.resources.limits[r]]
	count(missing) > 0
	msg := sprintf("resource-limits-missing: %s has no %s limit", [name(o, c), concat(" or ", missing)])
}

deny contains msg if {
	some [o, _, c, _] in containers
	missing := [r | some r in ["cpu", "memory"]; not c.resources.requests[r]]
	count(missing) > 0
	msg := sprintf("resource-requests-missing: %s has no %s request", [name(o, c), concat(" or ", missing)])
}

effective(pod, c, key) := object.get(object.get(c, "securityContext", {}), key, object.get(object.get(pod, "securityContext", {}), key, null))

non_root(pod, c) if effective(pod, c, "runAsNonRoot") == true

non_root(pod, c) if {
	user := effective(pod, c, "runAsUser")
	is_number(user)
	user > 0
}

deny contains msg if {
	some [o, pod, c, _] in containers
	not non_root(pod, c)
	msg := sprintf("run-as-non-root: %s may run as root", [name(o, c)])
}
