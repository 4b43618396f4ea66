package paved.rules.seccomp_profile_missing_test

import rego.v1

import data.paved.rules.seccomp_profile_missing as rule

wl(pod, containers) := {"workloads": [{
	"kind": "Deployment", "name": "web", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": sprintf("/objects/0/object/spec/template/spec/containers/%d", [i]), "init": false, "container": c} | some i, c in containers],
}]}

runtime_default := {"seccompProfile": {"type": "RuntimeDefault"}}

test_fires_without_a_profile if {
	fs := rule.findings with input as wl({}, [{"name": "app"}])
	count(fs) == 1
	some f in fs
	f.pointer == "/objects/0/object/spec/template/spec/containers/0"
	contains(f.msg, "runs Unconfined")
}

test_pod_profile_covers_every_container if {
	count(rule.findings) == 0 with input as wl({"securityContext": runtime_default}, [{"name": "app"}, {"name": "sidecar"}])
}

test_container_profile_counts if {
	count(rule.findings) == 0 with input as wl({}, [{"name": "app", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}])
}

test_container_unconfined_overrides_pod if {
	fs := rule.findings with input as wl({"securityContext": runtime_default}, [{"name": "app", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}])
	count(fs) == 1
	some f in fs
	f.pointer == "/objects/0/object/spec/template/spec/containers/0/securityContext/seccompProfile/type"
}

test_pod_unconfined_points_at_the_pod_value if {
	fs := rule.findings with input as wl({"securityContext": {"seccompProfile": {"type": "Unconfined"}}}, [{"name": "app"}])
	some f in fs
	f.pointer == "/objects/0/object/spec/template/spec/securityContext/seccompProfile/type"
	contains(f.msg, "Unconfined")
}

test_only_the_uncovered_container_fires if {
	fs := rule.findings with input as wl({}, [{"name": "app", "securityContext": runtime_default}, {"name": "sidecar"}])
	count(fs) == 1
	some f in fs
	endswith(f.pointer, "/containers/1")
}

test_windows_pods_are_skipped if {
	count(rule.findings) == 0 with input as wl({"os": {"name": "windows"}}, [{"name": "app"}])
}
