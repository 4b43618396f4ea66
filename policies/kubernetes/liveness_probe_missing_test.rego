package paved.rules.liveness_probe_missing_test

import rego.v1

import data.paved.rules.liveness_probe_missing as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_for_deployment_without_probe if {
	count(rule.findings) == 1 with input as wl("Deployment", true, {}, [{"name": "app"}])
}

test_quiet_with_probe_or_for_jobs if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "livenessProbe": {"httpGet": {"path": "/health"}}}])
	count(rule.findings) == 0 with input as wl("Job", false, {}, [{"name": "app"}])
}

hook(flag) := {"workloads": [object.union(wl("Deployment", true, {}, [{"name": "app"}]).workloads[0], {"test_hook": flag})]}

test_quiet_for_helm_test_hooks if {
	count(rule.findings) == 0 with input as hook(true)
	count(rule.findings) > 0 with input as hook(false)
}
