package paved.rules.service_target_port_unknown_test

import rego.v1

import data.paved.rules.service_target_port_unknown as rule

svc(name, target) := {
	"kind": "Service", "apiVersion": "v1", "name": name, "namespace": null, "path": "k8s/svc.yaml",
	"line": 1, "col": 1, "pod": null, "at": {"/spec/ports/0/targetPort": [12, 19]},
	"object": {"spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": target}]}},
}

deploy(port_name) := {
	"kind": "Deployment", "apiVersion": "apps/v1", "name": "web", "namespace": null, "path": "k8s/deploy.yaml",
	"line": 1, "col": 1, "at": {}, "object": {},
	"pod": {"labels": {"app": "web"}, "ports": [{"container": "app", "name": port_name, "containerPort": 8080}]},
}

ingress(service, port) := {
	"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "name": "web", "namespace": null, "path": "k8s/ing.yaml",
	"line": 1, "col": 1, "pod": null,
	"at": {
		"/spec/rules/0/http/paths/0/backend/service/name": [14, 23],
		"/spec/rules/0/http/paths/0/backend/service/port/name": [16, 25],
		"/spec/rules/0/http/paths/0/backend/service/port/number": [16, 27],
	},
	"object": {"spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {"service": {"name": service, "port": port}}}]}}]}},
}

unit(kind, objects) := {"units": [{"kind": kind, "path": "k8s", "complete": true, "objects": objects}]}

test_named_target_port_must_be_declared if {
	findings := rule.findings with input as unit("chart", [svc("web", "http"), deploy("web")])
	count(findings) == 1
	some f in findings
	f.line == 12
	count(rule.findings) == 0 with input as unit("chart", [svc("web", "http"), deploy("http")])
}

test_numbers_and_unselected_services_are_not_judged if {
	count(rule.findings) == 0 with input as unit("chart", [svc("web", 8080), deploy("web")])
	count(rule.findings) == 0 with input as unit("chart", [svc("web", "8080"), deploy("web")])
	count(rule.findings) == 0 with input as unit("chart", [svc("web", "http")])
}

test_ingress_port_of_a_defined_service if {
	count(rule.findings) == 0 with input as unit("chart", [svc("web", 8080), ingress("web", {"name": "http"})])
	count(rule.findings) == 0 with input as unit("chart", [svc("web", 8080), ingress("web", {"number": 80})])
	findings := rule.findings with input as unit("chart", [svc("web", 8080), ingress("web", {"number": 8080})])
	count(findings) == 1
	some f in findings
	[f.line, f.col] == [16, 27]
	count(rule.findings) == 1 with input as unit("folder", [svc("web", 8080), ingress("web", {"name": "grpc"})])
	count(rule.findings) == 0 with input as unit("chart", [svc("web", 8080), ingress("web", {"name": "use-annotation"})])
}

test_ingress_to_a_missing_service if {
	findings := rule.findings with input as unit("chart", [svc("web", 8080), ingress("web-svc", {"number": 80})])
	count(findings) == 1
	some f in findings
	[f.line, f.col] == [14, 23]
	# Plain manifests, and units without Services of their own, route to Services elsewhere.
	count(rule.findings) == 0 with input as unit("folder", [svc("web", 8080), ingress("web-svc", {"number": 80})])
	count(rule.findings) == 0 with input as unit("chart", [ingress("web-svc", {"number": 80})])
	# Defined by another unit of the repository.
	two := {"units": [unit("chart", [svc("web", 8080), ingress("api", {"number": 80})]).units[0], unit("folder", [svc("api", 80)]).units[0]]}
	count(rule.findings) == 0 with input as two
}

test_malformed_objects_do_not_fail_the_rule if {
	bad_svc := object.union(svc("bad", "http"), {"object": {"spec": {"selector": {"app": "web"}, "ports": "x"}}})
	bad_ing := object.union(ingress("web", {"name": [1]}), {"name": "bad", "object": {"spec": {"rules": [3, {"http": {"paths": [5]}}], "defaultBackend": {"service": "x"}}}})
	count(rule.findings) == 1 with input as unit("chart", [bad_svc, bad_ing, ingress("web", {"number": 8080}), svc("web", 8080)])
}
