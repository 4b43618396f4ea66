# Helpers for rules over `input.images` (every container image reference a file makes).
package paved.lib.images

import rego.v1

# The last path component of a repository: "golang" for golang, library/golang and
# mirror.gcr.io/library/golang.
name(ref) := n if {
	parts := split(ref.repository, "/")
	n := parts[count(parts) - 1]
}

# Whether the reference implicitly or explicitly means "latest".
floating(ref) if ref.tag == "latest"

floating(ref) if {
	ref.tag == null
	ref.digest == null
}
