package paved.rules.selector_mismatch_test

import rego.v1

import data.paved.rules.selector_mismatch as rule

obj(api, kind, spec) := {"objects": [{"object": {"apiVersion": api, "kind": kind, "metadata": {"name": "web"}, "spec": spec}}]}

tmpl(labels) := {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "web:1"}]}}

deploy(sel, labels) := obj("apps/v1", "Deployment", {"selector": sel, "template": tmpl(labels)})

test_matching_labels_are_quiet if {
	count(rule.findings) == 0 with input as deploy({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "front"})
	count(rule.findings) == 0 with input as deploy({"matchLabels": {"v": 1}}, {"v": "1"})
}

test_a_mismatching_label_is_a_finding_at_its_key if {
	fs := rule.findings with input as deploy({"matchLabels": {"app.kubernetes.io/name": "web"}}, {"app.kubernetes.io/name": "webapp"})
	[f.pointer | some f in fs] == ["/objects/0/object/spec/selector/matchLabels/app.kubernetes.io~1name"]
	some f in fs
	contains(f.msg, "selects app.kubernetes.io/name=web but its pod template has app.kubernetes.io/name=webapp")
}

test_a_missing_label_says_so if {
	some f in rule.findings with input as deploy({"matchLabels": {"app": "web"}}, {})
	contains(f.msg, "has no label app")
}

test_expressions if {
	ok := [
		{"key": "tier", "operator": "In", "values": ["front", "back"]},
		{"key": "tier", "operator": "NotIn", "values": ["db"]},
		{"key": "canary", "operator": "NotIn", "values": ["true"]},
		{"key": "tier", "operator": "Exists"},
		{"key": "canary", "operator": "DoesNotExist"},
	]
	count(rule.findings) == 0 with input as deploy({"matchExpressions": ok}, {"tier": "front"})
	bad := [
		{"key": "tier", "operator": "In", "values": ["back"]},
		{"key": "tier", "operator": "NotIn", "values": ["front"]},
		{"key": "canary", "operator": "Exists"},
		{"key": "tier", "operator": "DoesNotExist"},
	]
	fs := rule.findings with input as deploy({"matchExpressions": bad}, {"tier": "front"})
	{f.pointer | some f in fs} == {sprintf("/objects/0/object/spec/selector/matchExpressions/%d", [i]) | some i in numbers.range(0, 3)}
}

test_apps_v1_needs_a_selector if {
	fs := rule.findings with input as obj("apps/v1", "DaemonSet", {"template": tmpl({"app": "web"})})
	[f.pointer | some f in fs] == ["/objects/0/object/spec"]
	some g in rule.findings with input as deploy({}, {"app": "web"})
	contains(g.msg, "an empty spec.selector")
}

test_defaulted_and_generated_selectors_are_not_checked if {
	count(rule.findings) == 0 with input as obj("extensions/v1beta1", "Deployment", {"template": tmpl({"app": "web"})})
	count(rule.findings) == 0 with input as obj("batch/v1", "Job", {"template": tmpl({"job": "x"})})
	count(rule.findings) == 0 with input as obj("batch/v1", "Job", {"selector": {"matchLabels": {"a": "b"}}, "template": tmpl({"job": "x"})})
	some f in rule.findings with input as obj("batch/v1", "Job", {"manualSelector": true, "selector": {"matchLabels": {"a": "b"}}, "template": tmpl({"job": "x"})})
	contains(f.msg, "Job \"web\" selects a=b")
}

test_odd_shapes_do_not_fail if {
	fs := rule.findings with input as deploy({"matchLabels": null, "matchExpressions": [{"key": "a", "operator": "In", "values": "x"}, "junk"]}, null)
	count(fs) == 1
}
