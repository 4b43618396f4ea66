package paved.rules.readiness_probe_missing_test

import rego.v1

import data.paved.rules.readiness_probe_missing as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_for_statefulset_without_probe if {
	count(rule.findings) == 1 with input as wl("StatefulSet", true, {}, [{"name": "app", "livenessProbe": {}}])
}

test_quiet_with_probe_or_for_cronjobs if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "readinessProbe": {"httpGet": {"path": "/ready"}}}])
	count(rule.findings) == 0 with input as wl("CronJob", false, {}, [{"name": "app"}])
}

hook(flag) := {"workloads": [object.union(wl("Deployment", true, {}, [{"name": "app"}]).workloads[0], {"test_hook": flag})]}

test_quiet_for_helm_test_hooks if {
	count(rule.findings) == 0 with input as hook(true)
	count(rule.findings) > 0 with input as hook(false)
}
