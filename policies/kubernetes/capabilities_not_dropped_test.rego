package paved.rules.capabilities_not_dropped_test

import rego.v1

import data.paved.rules.capabilities_not_dropped as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_without_drop_all if {
	count(rule.findings) == 1 with input as wl("Deployment", true, {}, [{"name": "app"}])
	count(rule.findings) == 1 with input as wl("Deployment", true, {}, [{"name": "app", "securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}])
}

test_quiet_when_all_dropped if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "securityContext": {"capabilities": {"drop": ["all"]}}}])
}

test_points_at_a_drop_list_without_all if {
	set := wl("Deployment", true, {}, [{"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/containers/0/securityContext/capabilities/drop"} with input as set
}
