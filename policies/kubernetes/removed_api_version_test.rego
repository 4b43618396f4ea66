package paved.rules.removed_api_version_test

import rego.v1

import data.paved.rules.removed_api_version as rule

objs(api, kind, version) := {
	"settings": {"kubernetes_version": version},
	"objects": [{"object": {"apiVersion": api, "kind": kind, "metadata": {"name": "web"}}}],
}

test_a_removed_api_is_an_error_at_the_api_version if {
	fs := rule.findings with input as objs("extensions/v1beta1", "Ingress", "1.36")
	[f.pointer | some f in fs] == ["/objects/0/object/apiVersion"]
	some f in fs
	f.severity == "error"
	contains(f.msg, "Ingress \"web\" uses extensions/v1beta1, which Kubernetes 1.22 stopped serving")
	contains(f.msg, "use apiVersion networking.k8s.io/v1 (served since 1.19)")
}

test_a_lower_target_turns_the_removal_into_a_warning_or_nothing if {
	some w in rule.findings with input as objs("policy/v1beta1", "PodDisruptionBudget", "1.24")
	w.severity == "warning"
	contains(w.msg, "deprecated since Kubernetes 1.21 and removed in 1.25 (the target is 1.24)")
	count(rule.findings) == 0 with input as objs("policy/v1beta1", "PodDisruptionBudget", "1.20")
	some e in rule.findings with input as objs("policy/v1beta1", "PodDisruptionBudget", "1.25")
	e.severity == "error"
}

test_a_scheduled_removal_says_so if {
	some f in rule.findings with input as objs("networking.k8s.io/v1beta1", "ServiceCIDR", "1.36")
	f.severity == "warning"
	contains(f.msg, "to be removed in 1.37")
}

test_no_api_replacement_says_what_to_use if {
	some f in rule.findings with input as objs("policy/v1beta1", "PodSecurityPolicy", "1.36")
	contains(f.msg, "use Pod Security Admission")
}

test_the_default_target_is_the_newest if {
	some f in rule.findings with input as {"objects": [{"object": {"apiVersion": "batch/v1beta1", "kind": "CronJob"}}]}
	contains(f.msg, "CronJob uses batch/v1beta1")
	contains(f.msg, sprintf("the target is %s", [data.paved.data.kubernetes_apis.newest]))
}

test_current_apis_and_other_kinds_are_quiet if {
	count(rule.findings) == 0 with input as objs("networking.k8s.io/v1", "Ingress", "1.36")
	count(rule.findings) == 0 with input as objs("networking.k8s.io/v1beta1", "NetworkPolicy", "1.36")
	count(rule.findings) == 0 with input as objs("monitoring.coreos.com/v1", "ServiceMonitor", "1.36")
}
