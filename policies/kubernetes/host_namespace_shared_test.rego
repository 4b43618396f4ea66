package paved.rules.host_namespace_shared_test

import rego.v1

import data.paved.rules.host_namespace_shared as rule

wl(pod) := {"workloads": [{
	"kind": "DaemonSet", "name": "agent", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": pod,
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false, "container": {"name": "a"}}],
}]}

test_each_namespace_is_a_finding_at_its_field if {
	fs := rule.findings with input as wl({"hostNetwork": true, "hostPID": true, "hostIPC": true})
	{f.pointer | some f in fs} == {
		"/objects/0/object/spec/template/spec/hostNetwork",
		"/objects/0/object/spec/template/spec/hostPID",
		"/objects/0/object/spec/template/spec/hostIPC",
	}
}

test_the_message_says_which if {
	some f in rule.findings with input as wl({"hostPID": true})
	contains(f.msg, "hostPID: true")
	contains(f.msg, "process namespace")
}

test_false_or_absent_is_quiet if {
	count(rule.findings) == 0 with input as wl({"hostNetwork": false, "hostPID": false})
	count(rule.findings) == 0 with input as wl({})
}
