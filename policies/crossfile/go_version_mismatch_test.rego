package paved.rules.go_version_mismatch_test

import rego.v1

import data.paved.rules.go_version_mismatch as rule

v(text, minor, patch) := {"text": text, "major": 1, "minor": minor, "patch": patch}

gomod(go, toolchain) := {"path": "go.mod", "go_version": go, "toolchain_version": toolchain}

df(image_version, mod) := {"dockerfiles": [{
	"path": "Dockerfile", "gomod": mod,
	"golang_images": [{"image": "golang:x", "version": image_version, "line": 1, "col": 6}],
}]}

test_fires_when_older_or_other_minor if {
	count(rule.findings) == 1 with input as df(v("1.22", 22, null), gomod(v("1.24.0", 24, 0), null))
	count(rule.findings) == 1 with input as df(v("1.24.1", 24, 1), gomod(v("1.24.3", 24, 3), null))
	count(rule.findings) == 1 with input as df(v("1.27.0", 27, 0), gomod(v("1.26.8", 26, 8), null))
	count(rule.findings) == 1 with input as df(v("1.24.3", 24, 3), gomod(v("1.24.0", 24, 0), v("1.25.1", 25, 1)))
}

test_quiet_when_same_minor_and_not_older if {
	count(rule.findings) == 0 with input as df(v("1.26.8", 26, 8), gomod(v("1.26.8", 26, 8), null))
	count(rule.findings) == 0 with input as df(v("1.26", 26, null), gomod(v("1.26.3", 26, 3), null))
	count(rule.findings) == 0 with input as df(v("1.26.9", 26, 9), gomod(v("1.26.0", 26, 0), null))
	count(rule.findings) == 0 with input as df(v("1.26.9", 26, 9), null)
}

test_ci_versions if {
	count(rule.findings) == 1 with input as {"ci_go_versions": [{"path": ".github/workflows/ci.yml", "line": 9, "col": 23, "source": "setup-go", "version": v("1.21", 21, null), "gomod": gomod(v("1.24", 24, null), null)}]}
}

circleci(version) := {"ci_go_versions": [{"path": ".circleci/config.yml", "line": 5, "col": 16, "source": "cimg/go:x", "version": version, "gomod": gomod(v("1.24.0", 24, 0), null)}]}

test_circleci_images if {
	count(rule.findings) == 1 with input as circleci(v("1.22", 22, null))
	count(rule.findings) == 0 with input as circleci(v("1.24", 24, null))
	count(rule.findings) == 0 with input as circleci(v("1.24.3", 24, 3))
}
