package paved.rules.resource_limits_missing_test

import rego.v1

import data.paved.rules.resource_limits_missing as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_and_names_what_is_missing if {
	fs := rule.findings with input as wl("Pod", false, {}, [{"name": "app", "resources": {"limits": {"cpu": "1"}}}])
	count(fs) == 1
	some f in fs
	contains(f.msg, "no memory limit")
}

test_quiet_with_both_limits if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}])
}

hook(flag) := {"workloads": [object.union(wl("Deployment", true, {}, [{"name": "app"}]).workloads[0], {"test_hook": flag})]}

test_quiet_for_helm_test_hooks if {
	count(rule.findings) == 0 with input as hook(true)
	count(rule.findings) > 0 with input as hook(false)
}
