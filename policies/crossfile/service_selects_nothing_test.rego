package paved.rules.service_selects_nothing_test

import rego.v1

import data.paved.rules.service_selects_nothing as rule

svc(selector) := {
	"kind": "Service", "apiVersion": "v1", "name": "web", "namespace": null, "path": "k8s/svc.yaml",
	"line": 1, "col": 1, "pod": null, "at": {"/spec/selector": [6, 3]},
	"object": {"spec": {"selector": selector, "ports": [{"port": 80}]}},
}

deploy(name, labels) := {
	"kind": "Deployment", "apiVersion": "apps/v1", "name": name, "namespace": null, "path": "k8s/deploy.yaml",
	"line": 1, "col": 1, "at": {}, "object": {}, "pod": {"labels": labels, "ports": []},
}

unit(kind, objects) := {"units": [{"kind": kind, "path": "k8s", "complete": true, "objects": objects}]}

test_fires_when_no_template_has_the_labels if {
	findings := rule.findings with input as unit("chart", [svc({"app": "web"}), deploy("web", {"app": "webapp"})])
	count(findings) == 1
	some f in findings
	f.line == 6
	f.path == "k8s/svc.yaml"
	# A renamed label key: the value is there, under another key.
	count(rule.findings) == 1 with input as unit("kustomization", [svc({"app.kubernetes.io/name": "api"}), deploy("x", {"app": "api"})])
}

test_quiet_when_a_template_matches if {
	count(rule.findings) == 0 with input as unit("chart", [svc({"app": "web"}), deploy("web", {"app": "web", "tier": "fe"})])
	# Labels the StatefulSet controller adds.
	sel := {"app": "web", "statefulset.kubernetes.io/pod-name": "web-0"}
	count(rule.findings) == 0 with input as unit("chart", [svc(sel), deploy("web", {"app": "web"})])
}

test_quiet_without_selector_or_for_external_names if {
	count(rule.findings) == 0 with input as unit("chart", [svc({}), deploy("web", {"app": "x"})])
	ext := object.union(svc({"app": "web"}), {"object": {"spec": {"type": "ExternalName", "selector": {"app": "web"}}}})
	count(rule.findings) == 0 with input as unit("chart", [ext, deploy("web", {"app": "x"})])
}

test_namespaces_must_agree if {
	other := object.union(deploy("web", {"app": "web"}), {"namespace": "b"})
	count(rule.findings) == 1 with input as unit("chart", [object.union(svc({"app": "web"}), {"namespace": "a"}), other])
	count(rule.findings) == 0 with input as unit("chart", [svc({"app": "web"}), other])
}

test_plain_manifests_match_anywhere_in_the_repository if {
	r := {"units": [
		{"kind": "folder", "path": "deploy", "complete": true, "objects": [svc({"app": "web"}), deploy("db", {"app": "db"})]},
		{"kind": "folder", "path": "deploy/app", "complete": true, "objects": [deploy("web", {"app": "web"})]},
	]}
	count(rule.findings) == 0 with input as r
}

test_quiet_without_evidence_the_pods_are_in_the_unit if {
	# An exporter installed by a separate release: no workload of that name, no label value.
	count(rule.findings) == 0 with input as unit("folder", [svc({"app": "dcgm-exporter"}), deploy("adapter", {"app": "adapter"})])
}

test_quiet_for_incomplete_units_and_operator_pods if {
	incomplete := {"units": [object.union(unit("chart", [svc({"app": "web"}), deploy("web", {"app": "x"})]).units[0], {"complete": false})]}
	count(rule.findings) == 0 with input as incomplete
	cr := {"kind": "Prometheus", "apiVersion": "monitoring.coreos.com/v1", "name": "k8s", "at": {}, "pod": null}
	count(rule.findings) == 0 with input as unit("chart", [svc({"prometheus": "k8s"}), cr, deploy("web", {"app": "k8s"})])
	es := {"kind": "Elasticsearch", "apiVersion": "elasticsearch.k8s.elastic.co/v1", "name": "es", "at": {}, "pod": null}
	count(rule.findings) == 0 with input as unit("chart", [object.union(svc({"elasticsearch.k8s.elastic.co/cluster-name": "quick"}), {"name": "es-http"}), es, deploy("es-http", {"app": "x"})])
}

test_malformed_objects_do_not_fail_the_rule if {
	bad := object.union(svc({}), {"name": "bad", "object": {"spec": "oops"}})
	count(rule.findings) == 1 with input as unit("chart", [bad, svc({"app": "web"}), deploy("web", {"app": "x"})])
}
