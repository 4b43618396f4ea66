# Helpers for rules over the repository input's `units` (objects deployed together: a chart's
# rendering, a kustomization build, a folder of plain manifests).
package paved.lib.units

import rego.v1

# Labels the controllers add to the pods they create, which pod templates never carry:
# a selector on them selects pods of a template that matches on the rest.
controller_labels := {
	"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "controller-revision-hash",
	"pod-template-hash", "pod-template-generation", "job-name", "controller-uid",
	"batch.kubernetes.io/job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-completion-index",
}

# Whether a label selector (a map) selects `labels`: every key with the same value.
selects(selector, labels) if {
	is_object(selector)
	count(selector) > 0
	every k, v in selector {
		matches_label(labels, k, v)
	}
}

matches_label(labels, k, v) if object.get(labels, k, null) == v

matches_label(labels, k, v) if k in data.paved.lib.units.controller_labels

# Namespaces agree when either is unset (the namespace the unit is applied to) or both are equal.
same_namespace(a, b) if a == null

same_namespace(a, b) if b == null

same_namespace(a, b) if a == b

# The pod templates a Service of unit `u` may select: its own unit's for a chart or a
# kustomization build; for a folder of plain manifests, every pod template of the repository
# (its Deployment may sit in a sibling folder, or come from a chart the repository deploys).
pod_scope(u) := [o | some o in u.objects; o.pod != null] if u.kind != "folder"

pod_scope(u) := data.paved.lib.units.all_pods if u.kind == "folder"

all_pods := [o | some u in input.units; some o in u.objects; o.pod != null]

# The pod templates `service` selects in unit `u`: the repository model links them
# (`selects`, [unit, object] indices; src/lint/repo/units.rs), with the semantics below, which
# also serve inputs written by hand (policy tests).
selected(u, service) := [input.units[r[0]].objects[r[1]] | some r in service.selects] if is_array(object.get(service, "selects", null))

selected(u, service) := [o |
	some o in data.paved.lib.units.pod_scope(u)
	data.paved.lib.units.selects(service.object.spec.selector, o.pod.labels)
	data.paved.lib.units.same_namespace(service.namespace, o.namespace)
] if not is_array(object.get(service, "selects", null))

# `x` when it is an object (else `{}`), an array (else `[]`): objects as written may hold
# anything where a mapping or list belongs, and a builtin given the wrong type fails the rule.
obj(x) := x if is_object(x)

obj(x) := {} if not is_object(x)

arr(x) := x if is_array(x)

arr(x) := [] if not is_array(x)

# Where a finding at field `ptr` of object `o` points: the field, else the object. The facts
# keep positions as `[line, col]` (src/lint/repo/units.rs).
at(o, ptr) := {"line": p[0], "col": p[1]} if {
	p := object.get(o.at, ptr, [o.line, o.col])
}

# "Service "web"" for messages, with the unit it is part of.
describe(o) := sprintf("%s %q", [o.kind, o.name])
