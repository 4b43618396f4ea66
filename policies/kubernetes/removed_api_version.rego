# METADATA
# title: Object uses an API version the target Kubernetes removed or deprecated
# description: >-
#   An object's `apiVersion` and `kind` are no longer served by the target Kubernetes version
#   (config `kubernetes-version`, default the newest release paved knows): an error naming the
#   release that removed it and the replacement. Deprecated but still served there (its
#   removal scheduled): a warning naming the replacement. The versions come from
#   `policies/data/kubernetes_apis.yaml` (the Deprecated API Migration Guide and k8s.io/api's
#   API lifecycle). Helm charts are rendered for the target version, so a chart that picks its
#   API version from `.Capabilities` is judged on the branch it takes there. Points at the
#   `apiVersion` value.
# custom:
#   id: removed-api-version
#   severity: error
#   rationale: >-
#     The API server rejects an object of an API version it no longer serves (`no matches for
#     kind "Ingress" in version "extensions/v1beta1"`): the apply fails, a Helm release or a
#     kustomization applied as a whole fails with it, and a cluster upgrade breaks every
#     pipeline that still ships the old manifest. Kubernetes removes beta APIs a few releases
#     after their replacement is served, and the replacement often changes fields (Ingress
#     backends, CronJob, PodDisruptionBudget defaults), so it is cheaper to migrate while both
#     are served than on the day of the upgrade.
#   fix: >-
#     Change `apiVersion` to the replacement the message names and adapt the fields that
#     changed (`kubectl convert` does most of it); for PodSecurityPolicy, use Pod Security
#     Admission labels on the namespace. A chart that supports older clusters selects the
#     version with `.Capabilities.APIVersions.Has`. Set `kubernetes-version` in `.paved.yaml` to
#     the oldest cluster you deploy to.
package paved.rules.removed_api_version

import rego.v1

target := object.get(input, ["settings", "kubernetes_version"], data.paved.data.kubernetes_apis.newest)

target_minor := to_number(split(target, ".")[1])

name(o) := n if {
	n := object.get(object.get(o, "metadata", {}), "name", "")
	is_string(n)
	n != ""
}

described(o) := sprintf("%s %q", [o.kind, name(o)])

described(o) := o.kind if not name(o)

# The replacement as advice: an apiVersion, or what to use instead.
use(a) := sprintf("use apiVersion %s (served since %s)", [a.replacement, a.since]) if {
	contains(a.replacement, "/")
	not contains(a.replacement, " ")
}

use(a) := sprintf("use %s instead (since %s)", [a.replacement, a.since]) if contains(a.replacement, " ")

entries contains {"i": i, "o": o, "a": a} if {
	some i, obj in input.objects
	o := obj.object
	is_string(o.apiVersion)
	is_string(o.kind)
	a := data.paved.data.kubernetes_apis.by_type[sprintf("%s %s", [o.apiVersion, o.kind])]
}

findings contains f if {
	some e in entries
	[i, o, a] := [e.i, e.o, e.a]
	a.removed_minor <= target_minor
	f := {
		"msg": sprintf("%s uses %s, which Kubernetes %s stopped serving (deprecated since %s; the target is %s): the API server rejects it; %s", [described(o), a.apiVersion, a.removed, a.deprecated, target, use(a)]),
		"pointer": sprintf("/objects/%d/object/apiVersion", [i]),
		"severity": "error",
	}
}

findings contains f if {
	some e in entries
	[i, o, a] := [e.i, e.o, e.a]
	a.deprecated_minor <= target_minor
	target_minor < a.removed_minor
	f := {
		"msg": sprintf("%s uses %s, deprecated since Kubernetes %s and %s in %s (the target is %s); %s", [described(o), a.apiVersion, a.deprecated, removal(a), a.removed, target, use(a)]),
		"pointer": sprintf("/objects/%d/object/apiVersion", [i]),
		"severity": "warning",
	}
}

newest_minor := to_number(split(data.paved.data.kubernetes_apis.newest, ".")[1])

# A removal the table's newest release has seen, or one scheduled after it.
removal(a) := "removed" if a.removed_minor <= newest_minor

removal(a) := "to be removed" if a.removed_minor > newest_minor
