package paved.rules.dockerfile_toolchain_in_runtime_test

import rego.v1

import data.paved.rules.dockerfile_toolchain_in_runtime as rule

stage(image, repo, base) := {"from": {"image": image, "base_stage": base, "line": 1, "col": 1, "reference": ref(repo)}}

ref(null) := null

ref(repo) := {"repository": repo, "tag": "1", "digest": null, "registry": null} if repo != null

test_fires_for_golang_final_stage if {
	count(rule.findings) == 1 with input as {"kind": "dockerfile", "dockerfile": {"stages": [stage("golang:1.26", "golang", null)]}}
	count(rule.findings) == 1 with input as {"kind": "dockerfile", "dockerfile": {"stages": [
		stage("docker.io/library/golang:1.26", "library/golang", null),
		stage("build", null, 0),
	]}}
}

test_quiet_for_distroless_final_stage if {
	count(rule.findings) == 0 with input as {"kind": "dockerfile", "dockerfile": {"stages": [
		stage("golang:1.26", "golang", null),
		stage("gcr.io/distroless/static-debian12:nonroot", "distroless/static-debian12", null),
	]}}
}

test_quiet_for_test_runners if {
	count(rule.findings) == 0 with input as {"kind": "dockerfile", "dockerfile": {"test_runner": true, "stages": [stage("golang:1.26", "golang", null)]}}
}
