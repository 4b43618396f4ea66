package paved.rules.privileged_container_test

import rego.v1

import data.paved.rules.privileged_container as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_when_privileged if {
	count(rule.findings) == 1 with input as wl("DaemonSet", true, {}, [{"name": "app", "securityContext": {"privileged": true}}])
}

test_quiet_otherwise if {
	count(rule.findings) == 0 with input as wl("DaemonSet", true, {}, [{"name": "app", "securityContext": {"privileged": false}}])
	count(rule.findings) == 0 with input as wl("DaemonSet", true, {}, [{"name": "app"}])
}
