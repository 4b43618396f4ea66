package paved.rules.team_label_missing_test

import rego.v1

import data.paved.rules.team_label_missing as rule

input_with(labels) := {
	"objects": [{"object": {"kind": "Deployment", "metadata": {"name": "web", "labels": labels}}}],
	"workloads": [{"kind": "Deployment", "name": "web", "object_index": 0, "containers": []}],
}

test_fires_without_team if {
	count(rule.findings) == 1 with input as input_with({"app": "web"})
}

test_quiet_with_team if {
	count(rule.findings) == 0 with input as input_with({"team": "payments"})
}
