# METADATA
# title: Go version of a build differs from go.mod
# description: >-
#   The Go version of a Dockerfile `golang:` image, a CI `actions/setup-go` `go-version` or a CI
#   job image (`golang:`, or CircleCI's `cimg/go:`, in GitHub, GitLab or CircleCI) is lower
#   than go.mod's `go` (or `toolchain`) line, or differs from it in minor version. Links: a Dockerfile's go.mod is the nearest one at or above its build
#   context; a CI file's is the go.mod at the repository root it runs in.
# custom:
#   id: go-version-mismatch
#   severity: error
#   rationale: >-
#     An older toolchain than go.mod asks for fails ("go.mod requires go >= 1.24") or, with
#     GOTOOLCHAIN=auto, silently downloads another toolchain at build time; a different minor
#     version builds and tests with other language and library semantics than developers use.
#   fix: "Use the go.mod version everywhere: `golang:<go.mod version>-bookworm`, `go-version: <go.mod version>` (or `go-version-file: go.mod`)."
package paved.rules.go_version_mismatch

import rego.v1

# The version go.mod requires: its toolchain line when newer than its go line.
required(gomod) := gomod.toolchain_version if {
	gomod.toolchain_version != null
	newer(gomod.toolchain_version, gomod.go_version)
}

required(gomod) := gomod.go_version if {
	gomod.go_version != null
	not newer_toolchain(gomod)
}

newer_toolchain(gomod) if {
	gomod.toolchain_version != null
	newer(gomod.toolchain_version, gomod.go_version)
}

newer(a, b) if a.minor > b.minor

newer(a, b) if {
	a.minor == b.minor
	a.patch != null
	b.patch != null
	a.patch > b.patch
}

problem(v, req) := "is older than" if newer(req, v)

problem(v, req) := "differs in minor version from" if {
	not newer(req, v)
	v.minor != req.minor
}

findings contains f if {
	some df in input.dockerfiles
	df.gomod != null
	req := required(df.gomod)
	some img in df.golang_images
	why := problem(img.version, req)
	f := {
		"msg": sprintf("%s builds with Go %s, which %s %s's %s", [img.image, img.version.text, why, df.gomod.path, req.text]),
		"path": df.path,
		"line": img.line,
		"col": img.col,
	}
}

findings contains f if {
	some v in input.ci_go_versions
	v.gomod != null
	req := required(v.gomod)
	why := problem(v.version, req)
	f := {
		"msg": sprintf("%s uses Go %s, which %s %s's %s", [v.source, v.version.text, why, v.gomod.path, req.text]),
		"path": v.path,
		"line": v.line,
		"col": v.col,
	}
}
