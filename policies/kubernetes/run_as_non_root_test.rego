package paved.rules.run_as_non_root_test

import rego.v1

import data.paved.rules.run_as_non_root as rule

wl(kind, long_running, pod, containers) := {"workloads": [{
	"kind": kind, "name": "web", "long_running": long_running, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

test_fires_without_settings_or_for_root_user if {
	count(rule.findings) == 1 with input as wl("Deployment", true, {}, [{"name": "app"}])
	count(rule.findings) == 1 with input as wl("Deployment", true, {"securityContext": {"runAsUser": 0}}, [{"name": "app"}])
}

test_container_overrides_pod if {
	count(rule.findings) == 1 with input as wl("Deployment", true, {"securityContext": {"runAsNonRoot": true}}, [{"name": "a", "securityContext": {"runAsNonRoot": false}}])
	count(rule.findings) == 0 with input as wl("Deployment", true, {"securityContext": {"runAsNonRoot": false}}, [{"name": "a", "securityContext": {"runAsNonRoot": true}}])
}

test_quiet_when_pod_guarantees_it if {
	count(rule.findings) == 0 with input as wl("Pod", false, {"securityContext": {"runAsNonRoot": true}}, [{"name": "a"}])
	count(rule.findings) == 0 with input as wl("Pod", false, {"securityContext": {"runAsUser": 65532}}, [{"name": "a"}])
}

test_points_at_the_value_in_effect if {
	own := wl("Deployment", true, {"securityContext": {"runAsNonRoot": true}}, [{"name": "a", "securityContext": {"runAsNonRoot": false}}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/containers/0/securityContext/runAsNonRoot"} with input as own
	pod := wl("Deployment", true, {"securityContext": {"runAsUser": 0}}, [{"name": "a"}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/securityContext/runAsUser"} with input as pod
	unset := wl("Deployment", true, {}, [{"name": "a"}])
	{f.pointer | some f in rule.findings} == {"/objects/0/object/spec/template/spec/containers/0"} with input as unset
}
