# METADATA
# title: Workload selector does not match its pod template
# description: >-
#   A Deployment, StatefulSet, DaemonSet, ReplicaSet or Job (with `manualSelector: true`) has a
#   `spec.selector` whose `matchLabels` or `matchExpressions` (`In`, `NotIn`, `Exists`,
#   `DoesNotExist`) its own pod template's labels do not satisfy, or an `apps/v1` one has no
#   selector or an empty one. Points at the label or expression that does not match (at the
#   spec when the selector is missing). Jobs without `manualSelector` get a generated selector,
#   and objects of the old `extensions/v1beta1`-era versions default the selector from the
#   template: neither is checked.
# custom:
#   id: selector-mismatch
#   severity: error
#   rationale: >-
#     The API server rejects such an object (`selector does not match template labels`, or
#     `spec.selector: Required value`): the apply fails, or, inside a Helm release or a
#     kustomization applied as a whole, the whole rollout fails with it. The selector cannot
#     be changed later either (it is immutable on Deployments, StatefulSets and DaemonSets), so
#     it is cheaper to get right before the first apply.
#   fix: >-
#     Give the pod template every label the selector requires (keep a small, stable set such as
#     `app.kubernetes.io/name` and `app.kubernetes.io/instance` in both, from one Helm helper
#     or Kustomize `labels:`), or select on labels the template has.
package paved.rules.selector_mismatch

import rego.v1

kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

checked(o) if {
	o.kind in kinds
	o.kind != "Job"
}

checked(o) if {
	o.kind == "Job"
	object.get(object.get(o, "spec", {}), "manualSelector", false) == true
}

name(o) := object.get(object.get(o, "metadata", {}), "name", "?")

labels(o) := l if {
	l := object.get(o, ["spec", "template", "metadata", "labels"], {})
	is_object(l)
}

labels(o) := {} if not is_object(object.get(o, ["spec", "template", "metadata", "labels"], {}))

# Label values as the API compares them (a YAML `1` and `"1"` are the same label).
text(v) := v if is_string(v)

text(v) := sprintf("%v", [v]) if not is_string(v)

# A JSON pointer token (`app.kubernetes.io/name` → `app.kubernetes.io~1name`).
token(k) := replace(replace(k, "~", "~0"), "/", "~1")

selector(o) := object.get(object.get(o, "spec", {}), "selector", null)

has_template(o) if is_object(object.get(o, ["spec", "template"], null))

findings contains f if {
	some i, obj in input.objects
	o := obj.object
	checked(o)
	has_template(o)
	sel := selector(o)
	is_object(sel)
	ml := object.get(sel, "matchLabels", {})
	is_object(ml)
	some k, v in ml
	is_string(k)
	l := labels(o)
	not text(object.get(l, k, null)) == text(v)
	f := {
		"msg": sprintf("%s %q selects %s=%s but its pod template %s: the API server rejects it", [o.kind, name(o), k, text(v), has_text(l, k)]),
		"pointer": sprintf("/objects/%d/object/spec/selector/matchLabels/%s", [i, token(k)]),
	}
}

has_text(l, k) := sprintf("has %s=%s", [k, text(l[k])]) if l[k] != null

has_text(l, k) := sprintf("has no label %s", [k]) if not k in object.keys(l)

has_text(l, k) := sprintf("has no label %s", [k]) if {
	k in object.keys(l)
	l[k] == null
}

findings contains f if {
	some i, obj in input.objects
	o := obj.object
	checked(o)
	has_template(o)
	sel := selector(o)
	is_object(sel)
	some j, e in array_of(object.get(sel, "matchExpressions", []))
	is_object(e)
	is_string(object.get(e, "key", null))
	not satisfied(e, labels(o))
	f := {
		"msg": sprintf("%s %q selects `%s %s%s` but its pod template %s: the API server rejects it", [o.kind, name(o), object.get(e, "key", "?"), object.get(e, "operator", "?"), values_text(e), has_text(labels(o), object.get(e, "key", ""))]),
		"pointer": sprintf("/objects/%d/object/spec/selector/matchExpressions/%d", [i, j]),
	}
}

array_of(x) := x if is_array(x)

array_of(x) := [] if not is_array(x)

# The number of entries of a mapping or list (0 for anything else, null included).
size(x) := count(x) if is_object(x)

size(x) := count(x) if is_array(x)

size(x) := 0 if {
	not is_object(x)
	not is_array(x)
}

values_text(e) := sprintf(" (%s)", [concat(", ", [text(v) | some v in array_of(e.values)])]) if size(object.get(e, "values", [])) > 0

values_text(e) := "" if size(object.get(e, "values", [])) == 0

value_in(e, l) if {
	some v in array_of(object.get(e, "values", []))
	text(v) == text(l[e.key])
}

satisfied(e, l) if {
	e.operator == "In"
	l[e.key] != null
	value_in(e, l)
}

satisfied(e, l) if {
	e.operator == "NotIn"
	not e.key in object.keys(l)
}

satisfied(e, l) if {
	e.operator == "NotIn"
	e.key in object.keys(l)
	not value_in(e, l)
}

satisfied(e, l) if {
	e.operator == "Exists"
	e.key in object.keys(l)
}

satisfied(e, l) if {
	e.operator == "DoesNotExist"
	not e.key in object.keys(l)
}

# An operator the API does not know is its own validation error, not this one.
satisfied(e, l) if not e.operator in {"In", "NotIn", "Exists", "DoesNotExist"}

# apps/v1 requires a selector, and a non-empty one.
findings contains f if {
	some i, obj in input.objects
	o := obj.object
	o.apiVersion == "apps/v1"
	o.kind in kinds
	has_template(o)
	empty_selector(selector(o))
	f := {
		"msg": sprintf("%s %q has %s: apps/v1 requires one that selects its pod template's labels, and the API server rejects it", [o.kind, name(o), what_selector(selector(o))]),
		"pointer": pointer_missing(i, o),
	}
}

empty_selector(s) if s == null

empty_selector(s) if {
	is_object(s)
	size(object.get(s, "matchLabels", {})) == 0
	size(object.get(s, "matchExpressions", [])) == 0
}

what_selector(s) := "no spec.selector" if s == null

what_selector(s) := "an empty spec.selector" if s != null

pointer_missing(i, o) := sprintf("/objects/%d/object/spec/selector", [i]) if selector(o) != null

pointer_missing(i, o) := sprintf("/objects/%d/object/spec", [i]) if selector(o) == null
