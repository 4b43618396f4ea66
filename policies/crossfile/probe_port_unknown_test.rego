package paved.rules.probe_port_unknown_test

import rego.v1

import data.paved.rules.probe_port_unknown as rule

repo(ports, probe_port, linked) := {
	"dockerfiles": [{"path": "Dockerfile", "exposes": [{"port": 9090, "line": 8, "col": 1}]}],
	"containers": [{
		"path": "k8s.yaml", "name": "api", "dockerfile": linked, "ports": ports,
		"probes": [{"probe": "readinessProbe", "port": probe_port, "line": 20, "col": 21}],
	}],
}

test_fires_for_unknown_name_or_number if {
	count(rule.findings) == 1 with input as repo([{"name": "http", "containerPort": 8080}], "web", null)
	count(rule.findings) == 1 with input as repo([{"name": "http", "containerPort": 8080}], 8081, null)
	count(rule.findings) == 1 with input as repo([], 8080, 0)
	count(rule.findings) == 1 with input as repo([], "http", null)
}

test_quiet_for_known_ports if {
	count(rule.findings) == 0 with input as repo([{"name": "http", "containerPort": 8080}], "http", null)
	count(rule.findings) == 0 with input as repo([{"name": "http", "containerPort": 8080}], 8080, null)
	count(rule.findings) == 0 with input as repo([{"name": "http", "containerPort": 8080}], "8080", null)
	count(rule.findings) == 0 with input as repo([], 9090, 0)
}

test_quiet_when_nothing_to_compare if {
	count(rule.findings) == 0 with input as repo([], 8080, null)
}

with_container(r, extra) := object.union(r, {"containers": [object.union(r.containers[0], extra)]})

test_go_ports_count_only_when_the_container_runs_go if {
	go := {"runs_go": true, "go": {"ports": [{"port": 8080}]}}
	count(rule.findings) == 0 with input as with_container(repo([], 8080, 0), go)
	count(rule.findings) == 1 with input as with_container(repo([], 8081, 0), go)
	# A container whose command runs a script: neither EXPOSE nor the Go ports say what it serves.
	script := {"runs_go": false, "command": ["/bin/sh", "/scripts/x.sh"]}
	count(rule.findings) == 0 with input as with_container(repo([], 8080, 0), script)
}

test_quiet_when_the_go_binary_is_unknown if {
	# A Go module is behind the image but no go build says which binary it holds.
	r := repo([], 8081, 0)
	go_module := object.union(r, {"dockerfiles": [object.union(r.dockerfiles[0], {"gomod": {"path": "go.mod"}})]})
	count(rule.findings) == 0 with input as go_module
	count(rule.findings) == 1 with input as r
}
