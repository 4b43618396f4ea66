package paved.rules.env_var_duplicated_test

import rego.v1

import data.paved.rules.env_var_duplicated as rule

wl(env) := {"workloads": [{
	"kind": "Deployment", "name": "web", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": {},
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false, "container": {"name": "app", "env": env}}],
}]}

test_each_later_duplicate_is_one_finding if {
	fs := rule.findings with input as wl([{"name": "A", "value": "1"}, {"name": "B"}, {"name": "A", "value": "2"}, {"name": "A", "value": "3"}])
	{f.pointer | some f in fs} == {
		"/objects/0/object/spec/template/spec/containers/0/env/2/name",
		"/objects/0/object/spec/template/spec/containers/0/env/3/name",
	}
}

test_distinct_names_are_quiet if {
	count(rule.findings) == 0 with input as wl([{"name": "A"}, {"name": "B"}])
	count(rule.findings) == 0 with input as wl([])
}
