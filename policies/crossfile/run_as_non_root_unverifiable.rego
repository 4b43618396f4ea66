# METADATA
# title: Pod requires non-root but its image's user is a name
# description: >-
#   A container runs an image built from a Dockerfile in the repository whose final stage ends
#   with a non-numeric USER (`USER app`), and its effective securityContext sets
#   `runAsNonRoot: true` without a `runAsUser`. Links: the image name in the manifest equals a
#   tag that a build command in the repository (Makefile, CI, script) gives that Dockerfile.
# custom:
#   id: run-as-non-root-unverifiable
#   severity: error
#   rationale: >-
#     The kubelet cannot tell whether a user name is root without reading the image's
#     /etc/passwd, so it refuses to start the container: CreateContainerConfigError "image has
#     non-numeric user (app), cannot verify user is non-root". The rollout hangs.
#   fix: "Set `runAsUser` (and `runAsGroup`) to the user's numeric id in the pod or container securityContext, or end the Dockerfile with a numeric `USER 10001:10001`."
package paved.rules.run_as_non_root_unverifiable

import rego.v1

findings contains f if {
	some c in input.containers
	c.dockerfile != null
	df := input.dockerfiles[c.dockerfile]
	user := df.final_user
	user != null
	not regex.match(`^[0-9]+$`, user.user)
	not contains(user.user, "$")
	c.run_as_non_root == true
	c.run_as_user == null
	f := {
		"msg": sprintf(
			"%s:%d sets USER %s; container %q of %s requires runAsNonRoot without runAsUser: the kubelet cannot verify a user name and refuses to start it",
			[df.path, user.line, user.user, c.name, c.workload],
		),
		"path": c.path,
		"line": c.line,
		"col": c.col,
	}
}
