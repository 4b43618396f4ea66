package paved.rules.read_only_root_fs_missing_test

import rego.v1

import data.paved.rules.read_only_root_fs_missing as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_when_not_true if {
	count(rule.findings) == 1 with input as wl("Deployment", true, {}, [{"name": "app"}])
}

test_quiet_when_read_only if {
	count(rule.findings) == 0 with input as wl("Deployment", true, {}, [{"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}])
}

test_points_at_a_false_value if {
	set := wl("Deployment", true, {}, [{"name": "a", "securityContext": {"readOnlyRootFilesystem": false}}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem"} with input as set
	unset := wl("Deployment", true, {}, [{"name": "a"}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/containers/0"} with input as unset
}
