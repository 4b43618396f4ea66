# METADATA
# title: Service or Ingress targets a port or Service that does not exist
# description: >-
#   A Service port's `targetPort` is a name that no `containerPort` of the pods it selects
#   defines (numbers are not judged: a container may listen on a port it does not declare),
#   or an Ingress backend (`networking.k8s.io/v1`, rules and `defaultBackend`) names a port
#   that its Service, defined in the same unit, does not have (`port.name` among the
#   Service's port names, `port.number` among its `port`s), or names a Service that no unit of
#   the repository defines while its own unit defines the Services it serves (a chart or
#   kustomization with Services of its own; an Ingress of plain manifests, or of a unit that
#   defines no Service, routes to Services deployed elsewhere and is not judged). Units known to
#   be incomplete are not judged, nor AWS load balancer actions (`port.name: use-annotation`).
#   Points at the `targetPort`, or at the backend's port or Service name.
# custom:
#   id: service-target-port-unknown
#   severity: error
#   rationale: >-
#     A named targetPort that no selected container declares gives the Service no endpoint for
#     that port: traffic is refused although the pods are ready. An Ingress backend naming a
#     port its Service lacks, or a Service that does not exist, makes the controller answer 503
#     (or drop the whole Ingress): the route is dead from the first deploy, and nothing fails at
#     apply time.
#   fix: "Name the container port the Service targets (`ports: [{name: http, containerPort: 8080}]`) or target an existing name; point Ingress backends at a Service and port that the chart or kustomization defines."
package paved.rules.service_target_port_unknown

import rego.v1

# A Service's named targetPort that none of the pods it selects declares.
findings contains f if {
	some u in input.units
	u.complete
	some s in u.objects
	s.kind == "Service"
	some i, p in data.paved.lib.units.arr(object.get(data.paved.lib.units.obj(s.object.spec), "ports", []))
	name := p.targetPort
	is_string(name)
	not regex.match(`^[0-9]+$`, name)
	pods := data.paved.lib.units.selected(u, s)
	count(pods) > 0
	not declared(pods, name)
	pos := data.paved.lib.units.at(s, sprintf("/spec/ports/%d/targetPort", [i]))
	f := {
		"msg": sprintf("Service %q targets port %q, but no container of the pods it selects (%s) has a port by that name", [s.name, name, workloads(pods)]),
		"path": s.path,
		"line": pos.line,
		"col": pos.col,
	}
}

declared(pods, name) if {
	some o in pods
	some p in o.pod.ports
	p.name == name
}

workloads(pods) := concat(", ", sort({sprintf("%s %q", [o.kind, o.name]) | some o in pods}))

# Every Ingress backend: {ptr, service, port} for the rules' paths and the default backend.
backends(ing) := array.concat(default_backend(ing), rule_backends(ing))

default_backend(ing) := [{"ptr": "/spec/defaultBackend", "service": ing.object.spec.defaultBackend.service}] if {
	is_object(ing.object.spec.defaultBackend.service)
}

default_backend(ing) := [] if not is_object(ing.object.spec.defaultBackend.service)

rule_backends(ing) := [{"ptr": sprintf("/spec/rules/%d/http/paths/%d/backend", [i, j]), "service": p.backend.service} |
	some i, r in data.paved.lib.units.arr(object.get(data.paved.lib.units.obj(ing.object.spec), "rules", []))
	some j, p in data.paved.lib.units.arr(object.get(data.paved.lib.units.obj(object.get(data.paved.lib.units.obj(r), "http", {})), "paths", []))
	is_object(p.backend.service)
]

ingresses contains [u, ing, b] if {
	some u in input.units
	u.complete
	some ing in u.objects
	ing.kind == "Ingress"
	ing.apiVersion == "networking.k8s.io/v1"
	some b in backends(ing)
	is_string(b.service.name)
	object.get(data.paved.lib.units.obj(object.get(b.service, "port", {})), "name", "") != "use-annotation"
}

services_named(objects, ing, name) := [s |
	some s in objects
	s.kind == "Service"
	s.name == name
	data.paved.lib.units.same_namespace(ing.namespace, s.namespace)
]

# A backend port its Service (of the same unit) does not have.
findings contains f if {
	some [u, ing, b] in ingresses
	services := services_named(u.objects, ing, b.service.name)
	count(services) > 0
	some field, want in data.paved.lib.units.obj(object.get(b.service, "port", {}))
	well_typed(field, want)
	not has_port(services, field, want)
	pos := data.paved.lib.units.at(ing, sprintf("%s/service/port/%s", [b.ptr, field]))
	f := {
		"msg": sprintf("Ingress %q routes to port %v of Service %q, which has no such port (%s)", [ing.name, want, b.service.name, service_ports(services)]),
		"path": ing.path,
		"line": pos.line,
		"col": pos.col,
	}
}

well_typed("name", want) if is_string(want)

well_typed("number", want) if is_number(want)

has_port(services, "name", want) if {
	some s in services
	some p in ports(s)
	p.name == want
}

has_port(services, "number", want) if {
	some s in services
	some p in ports(s)
	p.port == want
}

ports(s) := data.paved.lib.units.arr(object.get(data.paved.lib.units.obj(s.object.spec), "ports", []))

service_ports(services) := concat(", ", sort({port_text(p) | some s in services; some p in ports(s); is_object(p)}))

port_text(p) := sprintf("%v %s", [p.port, p.name]) if p.name

port_text(p) := sprintf("%v", [p.port]) if not p.name

all_services := [o | some u in input.units; some o in u.objects; o.kind == "Service"]

# A backend Service that no unit defines, in a unit that defines the Services it serves.
findings contains f if {
	some [u, ing, b] in ingresses
	u.kind != "folder"
	count([s | some s in u.objects; s.kind == "Service"]) > 0
	count(services_named(all_services, ing, b.service.name)) == 0
	pos := data.paved.lib.units.at(ing, sprintf("%s/service/name", [b.ptr]))
	f := {
		"msg": sprintf("Ingress %q routes to Service %q, which %s does not define (its Services: %s)", [ing.name, b.service.name, where(u), concat(", ", sort({s.name | some s in u.objects; s.kind == "Service"}))]),
		"path": ing.path,
		"line": pos.line,
		"col": pos.col,
	}
}

where(u) := "its chart" if u.kind == "chart"

where(u) := "its kustomization" if u.kind == "kustomization"
