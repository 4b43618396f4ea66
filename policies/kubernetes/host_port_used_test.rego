package paved.rules.host_port_used_test

import rego.v1

import data.paved.rules.host_port_used as rule

wl(ports) := {"workloads": [{
	"kind": "Deployment", "name": "web", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": {},
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false, "container": {"name": "app", "ports": ports}}],
}]}

test_a_host_port_is_a_finding_at_it if {
	fs := rule.findings with input as wl([{"containerPort": 80}, {"containerPort": 8080, "hostPort": 8080}])
	{f.pointer | some f in fs} == {"/objects/0/object/spec/template/spec/containers/0/ports/1/hostPort"}
	some f in fs
	contains(f.msg, "opens host port 8080")
}

test_container_ports_alone_are_quiet if {
	count(rule.findings) == 0 with input as wl([{"containerPort": 8080}])
	count(rule.findings) == 0 with input as wl([{"containerPort": 8080, "hostPort": 0}])
	count(rule.findings) == 0 with input as wl([])
}
