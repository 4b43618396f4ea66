package paved.rules.resource_requests_missing_test

import rego.v1

import data.paved.rules.resource_requests_missing as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_without_requests if {
	fs := rule.findings with input as wl("Job", false, {}, [{"name": "app"}])
	some f in fs
	contains(f.msg, "no cpu or memory request")
}

test_quiet_with_both_requests if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}])
}

hook(flag) := {"workloads": [object.union(wl("Deployment", true, {}, [{"name": "app"}]).workloads[0], {"test_hook": flag})]}

test_quiet_for_helm_test_hooks if {
	count(rule.findings) == 0 with input as hook(true)
	count(rule.findings) > 0 with input as hook(false)
}
