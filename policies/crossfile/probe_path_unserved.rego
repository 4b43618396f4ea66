# METADATA
# title: HTTP probe path is not served by the Go code
# description: >-
#   An HTTP probe's `path` is not registered by any handler of the Go binary the container
#   runs (the main package its image's `go build` builds and the repository packages it
#   imports; endpoints that controller-runtime or k8s.io/apiserver serve count): no route with
#   that path, or a subtree route above it, for GET. Silent when the image is not linked, when
#   the container's `command:` runs another program, when no route is found, when some route's
#   path is not a constant, or when the binary uses a router paved cannot read.
# custom:
#   id: probe-path-unserved
#   severity: warning
#   rationale: >-
#     A probe on a path nothing serves gets 404: readiness never passes and the rollout stalls,
#     or liveness fails and the kubelet restarts healthy containers in a loop.
#   fix: "Probe a path the service registers (e.g. `/health` for liveness, `/ready` for readiness), or register the handler."
package paved.rules.probe_path_unserved

import rego.v1

# The path part of a probe path (no query).
clean(p) := split(p, "?")[0]

get_like(r) if r.method == null

get_like(r) if r.method in {"GET", "HEAD"}

served(routes, path) if {
	some r in routes
	get_like(r)
	r.path == path
}

served(routes, path) if {
	some r in routes
	get_like(r)
	r.subtree
	startswith(path, r.path)
}

# Routes registered on a router passed in from elsewhere may sit under any prefix.
served(routes, path) if {
	some r in routes
	get_like(r)
	r.unknown_prefix
	endswith(path, r.path)
}

uncertain(routes) if {
	some r in routes
	r.unresolved
}

own_routes(routes) if {
	some r in routes
	not r.served_by_framework
}

# When a binary's only visible routes are a framework's health endpoints, what else it serves
# comes from code paved does not read (a dependency's file server on another port): only
# probes of health-style paths are judged.
judged(routes, _) if own_routes(routes)

judged(routes, path) if {
	not own_routes(routes)
	regex.match(`^/(healthz?|readyz?|livez?|readiness|liveness|ping|status|alive|live)(/|$)`, path)
}

findings contains f if {
	some c in input.containers
	c.runs_go
	c.go.routes_known
	routes := c.go.routes
	count(routes) > 0
	not uncertain(routes)
	some p in c.probes
	p.handler == "httpGet"
	is_string(p.path)
	path := clean(p.path)
	judged(routes, path)
	not served(routes, path)
	f := {
		"msg": sprintf(
			"%s of container %q requests %s, but the Go binary built by %s from %s registers no GET handler for it (routes: %s)",
			[p.probe, c.name, path, c.built_by, c.go.dir, concat(", ", sort({r.path | some r in routes}))],
		),
		"path": c.path,
		"line": p.path_line,
		"col": p.path_col,
	}
}
