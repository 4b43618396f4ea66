package paved.rules.dangerous_capabilities_added_test

import rego.v1

import data.paved.rules.dangerous_capabilities_added as rule

wl(add) := {"workloads": [{
	"kind": "Deployment", "name": "web", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": {},
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false,
		"container": {"name": "app", "securityContext": {"capabilities": {"add": add}}}}],
}]}

test_each_dangerous_capability_is_a_finding_at_it if {
	fs := rule.findings with input as wl(["NET_BIND_SERVICE", "SYS_ADMIN", "cap_net_raw"])
	{f.pointer | some f in fs} == {
		"/objects/0/object/spec/template/spec/containers/0/securityContext/capabilities/add/1",
		"/objects/0/object/spec/template/spec/containers/0/securityContext/capabilities/add/2",
	}
}

test_narrow_capabilities_are_quiet if {
	count(rule.findings) == 0 with input as wl(["NET_BIND_SERVICE", "CHOWN"])
	count(rule.findings) == 0 with input as wl([])
}
