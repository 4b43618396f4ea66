package paved.rules.rbac_wildcard_test

import rego.v1

import data.paved.rules.rbac_wildcard as rule

role(rules) := {"objects": [{"object": {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
	"metadata": {"name": "r"}, "rules": rules,
}}]}

binding(kind, ref) := {"objects": [{"object": {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
	"metadata": {"name": "b", "namespace": "team"}, "roleRef": ref,
	"subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "team"}],
}}]}

test_everything_is_one_finding_at_the_resources_wildcard if {
	fs := rule.findings with input as role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
	[f.pointer | some f in fs] == ["/objects/0/object/rules/0/resources/0"]
	some f in fs
	contains(f.msg, "every verb on every resource of every API group")
}

test_wildcard_verbs_on_core_resources_point_at_the_verb if {
	fs := rule.findings with input as role([{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "*"]}])
	[f.pointer | some f in fs] == ["/objects/0/object/rules/0/verbs/1"]
	some f in fs
	contains(f.msg, "pods, secrets of the core API group")
}

test_wildcard_resources_with_named_verbs if {
	some f in rule.findings with input as role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get", "list"]}])
	contains(f.msg, "get, list on every resource of API groups \"apps\"")
}

test_a_projects_own_group_is_not_a_finding if {
	count(rule.findings) == 0 with input as role([
		{"apiGroups": ["cache.example.com"], "resources": ["memcacheds"], "verbs": ["*"]},
		{"apiGroups": ["cache.example.com"], "resources": ["*"], "verbs": ["get"]},
	])
}

test_named_verbs_and_resources_are_quiet if {
	count(rule.findings) == 0 with input as role([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "patch"]}])
	count(rule.findings) == 0 with input as role([{"nonResourceURLs": ["/metrics"], "verbs": ["*"]}])
}

test_cluster_admin_bindings_point_at_the_name if {
	fs := rule.findings with input as binding("RoleBinding", {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"})
	[f.pointer | some f in fs] == ["/objects/0/object/roleRef/name"]
	some f in fs
	contains(f.msg, "in namespace \"team\"")
	some g in rule.findings with input as binding("ClusterRoleBinding", {"kind": "ClusterRole", "name": "cluster-admin"})
	contains(g.msg, "in the whole cluster")
}

test_other_bindings_are_quiet if {
	count(rule.findings) == 0 with input as binding("RoleBinding", {"kind": "ClusterRole", "name": "view"})
	count(rule.findings) == 0 with input as binding("RoleBinding", {"kind": "Role", "name": "cluster-admin"})
}

test_the_metrics_apis_are_read_only if {
	count(rule.findings) == 0 with input as role([{"apiGroups": ["custom.metrics.k8s.io"], "resources": ["*"], "verbs": ["*"]}])
}

test_secrets_are_named_only_where_the_core_group_is_reached if {
	some f in rule.findings with input as role([{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["*"]}])
	not contains(f.msg, "secrets")
	contains(f.msg, "every resource added to them later")
}
