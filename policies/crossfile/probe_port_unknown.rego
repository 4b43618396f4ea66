# METADATA
# title: Probe targets a port the container does not serve
# description: >-
#   A liveness, readiness or startup probe's `port` is a name that no `containerPort` of its
#   container has, or a number that is neither a declared `containerPort` nor a port the
#   linked Dockerfile EXPOSEs or its Go code listens on. A number is judged only when there is
#   something to compare it with (declared ports or a linked image).
# custom:
#   id: probe-port-unknown
#   severity: error
#   rationale: >-
#     A named port that does not exist makes the API server reject the pod; a probe at a port
#     nothing listens on fails forever: readiness never passes, so the rollout stalls, or
#     liveness kills healthy containers in a restart loop.
#   fix: "Point the probe at the port the service listens on, by the name of its containerPort (`port: http`)."
package paved.rules.probe_port_unknown

import rego.v1

port_number(p) := p if is_number(p)

port_number(p) := to_number(p) if {
	is_string(p)
	regex.match(`^[0-9]+$`, p)
}

declared_names(c) := {p.name | some p in c.ports; p.name}

known_numbers(c) := declared | linked if {
	declared := {p.containerPort | some p in c.ports}
	linked := linked_ports(c)
}

# The image's EXPOSEd ports and the ports its Go binary listens on, when the container runs
# the image's Go binary (from a Dockerfile or ko); only EXPOSE when it is not known to; nothing
# when its command runs another program (a shell script, ...).
linked_ports(c) := {p.port | some p in array.concat(exposes(c), c.go.ports)} if c.runs_go

linked_ports(c) := {p.port | some p in exposes(c)} if {
	not c.runs_go
	not c.command
}

linked_ports(c) := set() if {
	not c.runs_go
	c.command
}

exposes(c) := input.dockerfiles[c.dockerfile].exposes if c.dockerfile != null

exposes(c) := [] if c.dockerfile == null

findings contains f if {
	some c in input.containers
	some p in c.probes
	is_string(p.port)
	not regex.match(`^[0-9]+$`, p.port)
	not p.port in declared_names(c)
	f := {
		"msg": sprintf("%s of container %q uses port %q, but the container has no port by that name", [p.probe, c.name, p.port]),
		"path": c.path,
		"line": p.line,
		"col": p.col,
	}
}

# The image is built from Go code but paved cannot tell which binary runs or what it listens
# on (it copies a prebuilt binary, or the package is not resolved): its ports are unknown.
go_unknown(c) if {
	c.dockerfile != null
	not c.runs_go
	not c.command
	input.dockerfiles[c.dockerfile].gomod != null
}

go_unknown(c) if {
	c.runs_go
	c.go.routes_known == false
	count(c.go.ports) == 0
}

findings contains f if {
	some c in input.containers
	some p in c.probes
	n := port_number(p.port)
	not go_unknown(c)
	known := known_numbers(c)
	count(known) > 0
	not n in known
	f := {
		"msg": sprintf("%s of container %q targets port %v, which is not among the ports it serves (%v)", [p.probe, c.name, n, sort([k | some k in known])]),
		"path": c.path,
		"line": p.line,
		"col": p.col,
	}
}
