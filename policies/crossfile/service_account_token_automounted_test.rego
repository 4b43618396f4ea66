package paved.rules.service_account_token_automounted_test

import rego.v1

import data.paved.rules.service_account_token_automounted as rule

workload(account, automount) := {
	"kind": "Deployment", "apiVersion": "apps/v1", "name": "web", "namespace": "shop", "path": "k8s/deploy.yaml",
	"line": 1, "col": 1, "object": {}, "at": {"/spec/template/spec/containers/0": [20, 11]},
	"pod": {"pointer": "/spec/template/spec", "labels": {}, "ports": [], "service_account": account, "automount": automount, "test_hook": false},
}

sa(name, automount) := {"kind": "ServiceAccount", "name": name, "namespace": "shop", "pod": null, "object": {"automountServiceAccountToken": automount}}

binding(subject) := {"kind": "RoleBinding", "name": "b", "namespace": "shop", "pod": null, "object": {"subjects": [subject]}}

repo(objects) := {"units": [{"kind": "folder", "path": "k8s", "complete": true, "objects": objects}]}

test_fires_for_an_unbound_account_with_the_token_on if {
	findings := rule.findings with input as repo([workload("web", null), sa("web", null)])
	count(findings) == 1
	some f in findings
	f.line == 20
	f.col == 11
	count(rule.findings) == 1 with input as repo([workload("web", null), sa("web", true)])
	# The default account, whether the repository defines it or not.
	count(rule.findings) == 1 with input as repo([workload("default", null)])
}

test_quiet_when_the_token_is_off if {
	count(rule.findings) == 0 with input as repo([workload("web", false), sa("web", null)])
	count(rule.findings) == 0 with input as repo([workload("web", null), sa("web", false)])
	count(rule.findings) == 0 with input as repo([workload("default", null), sa("default", false)])
}

test_quiet_for_a_deliberate_true_on_the_pod if {
	count(rule.findings) == 0 with input as repo([workload("web", true), sa("web", null)])
}

test_quiet_when_the_account_is_bound if {
	count(rule.findings) == 0 with input as repo([workload("web", null), sa("web", null), binding({"kind": "ServiceAccount", "name": "web", "namespace": "shop"})])
	count(rule.findings) == 0 with input as repo([workload("web", null), sa("web", null), binding({"kind": "ServiceAccount", "name": "web"})])
	count(rule.findings) == 0 with input as repo([workload("default", null), binding({"kind": "Group", "name": "system:serviceaccounts:shop"})])
	count(rule.findings) == 0 with input as repo([workload("web", null), sa("web", null), binding({"kind": "User", "name": "system:serviceaccount:shop:web"})])
	# Bound in another namespace: not this account.
	count(rule.findings) == 1 with input as repo([workload("web", null), sa("web", null), binding({"kind": "ServiceAccount", "name": "web", "namespace": "other"})])
}

test_quiet_for_accounts_defined_elsewhere_and_test_hooks if {
	count(rule.findings) == 0 with input as repo([workload("operator", null)])
	hook := object.union(workload("default", null), {"pod": {"test_hook": true}})
	count(rule.findings) == 0 with input as repo([hook])
}

test_malformed_subjects_do_not_fail_the_rule if {
	bad := {"kind": "ClusterRoleBinding", "name": "b", "namespace": null, "pod": null, "object": {"subjects": [1, {"kind": "Group", "name": 4}, {"kind": "User", "name": 5}]}}
	count(rule.findings) == 1 with input as repo([workload("web", null), sa("web", null), bad])
}
