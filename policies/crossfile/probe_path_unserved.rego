# METADATA
# title: HTTP probe path is not served by the Go code
# description: >-
#   An HTTP probe's `path` is not registered by any handler in the Go code that builds the
#   container's image (the non-test .go files below the linked Dockerfile's build context):
#   no route with that path, or a subtree route above it, for GET. Silent when the image is not
#   linked, when no route is found, or when some route's path is not a constant.
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

findings contains f if {
	some c in input.containers
	c.dockerfile != null
	df := input.dockerfiles[c.dockerfile]
	routes := df.go_routes
	count(routes) > 0
	not uncertain(routes)
	some p in c.probes
	p.handler == "httpGet"
	is_string(p.path)
	path := clean(p.path)
	not served(routes, path)
	f := {
		"msg": sprintf(
			"%s of container %q requests %s, but the Go code built by %s registers no GET handler for it (routes: %s)",
			[p.probe, c.name, path, df.path, concat(", ", sort({r.path | some r in routes}))],
		),
		"path": c.path,
		"line": p.path_line,
		"col": p.path_col,
	}
}
