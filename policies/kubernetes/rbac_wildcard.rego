# METADATA
# title: RBAC role grants a wildcard, or a binding grants cluster-admin
# description: >-
#   A Role or ClusterRole rule lists `*` in `resources` or in `verbs` for a built-in API group
#   (the core group, `apps`, `batch`, `policy`, `*.k8s.io`, ...) or for `*` groups; or a
#   RoleBinding or ClusterRoleBinding refers to the ClusterRole `cluster-admin`. A wildcard
#   confined to named API groups of CustomResourceDefinitions (kubebuilder's
#   `<kind>-admin-role` with `*` verbs on the project's own kinds, meant for aggregation to
#   admins) is not: that grant stays within the project's own types; nor is one on the
#   read-only metrics APIs (`metrics.k8s.io`, `custom.metrics.k8s.io`,
#   `external.metrics.k8s.io`). Points at the `*` entry
#   (the resources one when both are `*`) or at the roleRef's name.
# custom:
#   id: rbac-wildcard
#   severity: warning
#   rationale: >-
#     A wildcard is not a list of what the workload needs: it grows with every resource,
#     subresource and verb the cluster learns. `*` resources include `secrets` (every token and
#     password of the namespace), `pods/exec` and `pods/attach` (a shell in any pod),
#     `serviceaccounts/token` and `roles`/`rolebindings`; `*` verbs include `escalate`, `bind`
#     and `impersonate`, with which a subject grants itself any permission. A compromised
#     service account holding such a role, or bound to cluster-admin, owns its namespace or
#     the whole cluster: one vulnerable pod becomes every pod and every secret.
#   fix: >-
#     List the API groups, resources and verbs the workload uses (`kubectl auth can-i --list`
#     and the audit log show them); bind a narrow role instead of cluster-admin. A controller
#     that really manages arbitrary resources (a GitOps reconciler) says why with
#     `# paved:ignore rbac-wildcard -- reason`.
package paved.rules.rbac_wildcard

import rego.v1

rbac_group := "rbac.authorization.k8s.io/"

is_role(o) if {
	startswith(object.get(o, "apiVersion", ""), rbac_group)
	o.kind in {"Role", "ClusterRole"}
}

is_binding(o) if {
	startswith(object.get(o, "apiVersion", ""), rbac_group)
	o.kind in {"RoleBinding", "ClusterRoleBinding"}
}

name(o) := object.get(object.get(o, "metadata", {}), "name", "?")

# The API groups Kubernetes itself serves: the core group, the dotless ones (`apps`, `batch`,
# `policy`, ...) and `*.k8s.io`. Any other group is some project's CustomResourceDefinition.
builtin_group(g) if g == ""

builtin_group(g) if not contains(g, ".")

builtin_group(g) if endswith(g, ".k8s.io")

strings(v) := [x | some x in v; is_string(x)] if is_array(v)

strings(v) := [] if not is_array(v)

index_of(list, value) := i if {
	some i, x in list
	x == value
}


wild_resources(r) if "*" in strings(object.get(r, "resources", []))

wild_verbs(r) if "*" in strings(object.get(r, "verbs", []))

# The aggregated metrics APIs serve only get and list: a wildcard there reads metrics.
metrics_groups := {"metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io"}

# A wildcard reaches beyond a project's own types when a group is built-in or `*`.
reaches_builtin(r) if {
	some g in strings(object.get(r, "apiGroups", []))
	builtin_group(g)
	not g in metrics_groups
}

reaches_builtin(r) if "*" in strings(object.get(r, "apiGroups", []))

groups_text(r) := "every API group" if "*" in strings(object.get(r, "apiGroups", []))

groups_text(r) := "the core API group" if {
	not "*" in strings(object.get(r, "apiGroups", []))
	strings(object.get(r, "apiGroups", [])) == [""]
}

groups_text(r) := sprintf("API groups %s", [concat(", ", [sprintf("%q", [g]) | some g in gs])]) if {
	gs := strings(object.get(r, "apiGroups", []))
	not "*" in gs
	gs != [""]
}

reach_text(r) := "secrets, pods/exec and every resource added later included" if {
	some g in strings(object.get(r, "apiGroups", []))
	g in {"", "*"}
}

reach_text(r) := "every resource added to them later included" if {
	not "" in strings(object.get(r, "apiGroups", []))
	not "*" in strings(object.get(r, "apiGroups", []))
}

verbs_text(r) := "every verb" if wild_verbs(r)

verbs_text(r) := concat(", ", strings(object.get(r, "verbs", []))) if not wild_verbs(r)

findings contains f if {
	some i, obj in input.objects
	o := obj.object
	is_role(o)
	some j, r in object.get(o, "rules", [])
	is_object(r)
	wild_resources(r)
	reaches_builtin(r)
	k := index_of(r.resources, "*")
	f := {
		"msg": sprintf("%s %q grants %s on every resource of %s (%s)", [o.kind, name(o), verbs_text(r), groups_text(r), reach_text(r)]),
		"pointer": sprintf("/objects/%d/object/rules/%d/resources/%d", [i, j, k]),
	}
}

findings contains f if {
	some i, obj in input.objects
	o := obj.object
	is_role(o)
	some j, r in object.get(o, "rules", [])
	is_object(r)
	not wild_resources(r)
	wild_verbs(r)
	reaches_builtin(r)
	count(strings(object.get(r, "resources", []))) > 0
	k := index_of(r.verbs, "*")
	f := {
		"msg": sprintf("%s %q grants every verb on %s of %s (delete, deletecollection and every verb added later included)", [o.kind, name(o), concat(", ", strings(r.resources)), groups_text(r)]),
		"pointer": sprintf("/objects/%d/object/rules/%d/verbs/%d", [i, j, k]),
	}
}

findings contains f if {
	some i, obj in input.objects
	o := obj.object
	is_binding(o)
	ref := object.get(o, "roleRef", {})
	object.get(ref, "kind", "") == "ClusterRole"
	object.get(ref, "name", "") == "cluster-admin"
	f := {
		"msg": sprintf("%s %q grants cluster-admin%s: every verb on every resource", [o.kind, name(o), scope(o)]),
		"pointer": sprintf("/objects/%d/object/roleRef/name", [i]),
	}
}

scope(o) := " in the whole cluster" if o.kind == "ClusterRoleBinding"

scope(o) := sprintf(" in namespace %q", [ns]) if {
	o.kind == "RoleBinding"
	ns := object.get(object.get(o, "metadata", {}), "namespace", "")
	ns != ""
}

scope(o) := " in its namespace" if {
	o.kind == "RoleBinding"
	object.get(object.get(o, "metadata", {}), "namespace", "") == ""
}
