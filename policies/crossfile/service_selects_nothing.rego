# METADATA
# title: Service selects no pod of its unit
# description: >-
#   A Service's `spec.selector` matches the labels of no pod template (Deployment,
#   StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, bare Pod, or any object with a pod
#   template) of the unit it is deployed with: the chart's rendering, the kustomization's
#   build, or, for plain manifests, any manifest or unit of the repository (its Deployment may
#   sit in a sibling folder). Namespaces must agree when both are set. It fires only when
#   something says the Service is meant for those pods: a workload with the Service's name,
#   or a pod label with one of the selector's values (a Service for pods installed some other
#   way, such as an exporter from a separate release, is not judged). Services without a
#   selector (ExternalName, manually managed Endpoints) are not judged. Not judged either: a
#   unit known to be incomplete (a chart dependency that is not vendored, a remote
#   kustomize resource), and a Service that selects pods an operator creates from a custom
#   resource of its unit (a selector value that is the resource's name, or a selector key in
#   the resource's API domain: `prometheus: k8s` for a Prometheus `k8s`,
#   `elasticsearch.k8s.elastic.co/cluster-name`). Labels the controllers add themselves
#   (`statefulset.kubernetes.io/pod-name`, `pod-template-hash`, `job-name`, ...) match any
#   template.
# custom:
#   id: service-selects-nothing
#   severity: warning
#   rationale: >-
#     A Service whose selector matches no pod has no endpoints: connections to it are refused
#     or time out, although every object applied cleanly. It is usually a label renamed on one
#     side only (the chart's selector labels changed, a kustomize `labels:` entry applied to
#     the Deployment but not the Service), and nothing fails until traffic does.
#   fix: "Make the Service's `spec.selector` a subset of the pod template's `metadata.labels` (in a chart, use the same selector-labels helper for both)."
package paved.rules.service_selects_nothing

import rego.v1

findings contains f if {
	some u in input.units
	u.complete
	some s in u.objects
	s.kind == "Service"
	spec := data.paved.lib.units.obj(s.object.spec)
	object.get(spec, "type", "ClusterIP") != "ExternalName"
	selector := object.get(spec, "selector", {})
	is_object(selector)
	count(selector) > 0
	count(data.paved.lib.units.selected(u, s)) == 0
	intended(u, s, selector)
	not operator_managed(u, selector)
	pos := data.paved.lib.units.at(s, "/spec/selector")
	f := {
		"msg": sprintf("Service %q selects no pod: no pod template in %s has the labels %s", [s.name, where(u), labels(selector)]),
		"path": s.path,
		"line": pos.line,
		"col": pos.col,
	}
}

where(u) := "its chart" if u.kind == "chart"

where(u) := "its kustomization" if u.kind == "kustomization"

where(u) := "the repository" if u.kind == "folder"

labels(selector) := concat(", ", sort([sprintf("%s=%v", [k, v]) | some k, v in selector]))

# Evidence that the Service is meant for pods of its unit: a workload there has the Service's
# name, or a pod template label has one of the selector's values (`app: web` against a
# selector on `app.kubernetes.io/name: web`). Without it, the Service fronts pods deployed
# some other way (an exporter a separate Helm release installs, a managed add-on).
intended(u, s, selector) if {
	some o in data.paved.lib.units.pod_scope(u)
	o.name == s.name
}

intended(u, s, selector) if {
	some o in data.paved.lib.units.pod_scope(u)
	some _, v in o.pod.labels
	some _, v2 in selector
	v == v2
}

# API groups of the objects Kubernetes itself serves: anything else is a custom resource.
builtin_groups := {
	"", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
	"storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
	"scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "certificates.k8s.io",
	"events.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
}

group(o) := g if {
	parts := split(o.apiVersion, "/")
	count(parts) == 2
	g := parts[0]
}

group(o) := "" if count(split(o.apiVersion, "/")) == 1

custom_resource(o) if not group(o) in builtin_groups

# Pods an operator creates for a custom resource of the unit carry its name, or labels in its
# API domain.
operator_managed(u, selector) if {
	some o in u.objects
	custom_resource(o)
	some _, v in selector
	v == o.name
}

operator_managed(u, selector) if {
	some o in u.objects
	custom_resource(o)
	some k, _ in selector
	parts := split(k, "/")
	count(parts) == 2
	same_domain(parts[0], group(o))
}

same_domain(a, b) if a == b

same_domain(a, b) if endswith(a, concat("", [".", b]))

same_domain(a, b) if endswith(b, concat("", [".", a]))
