package paved.rules.action_not_pinned_test

import rego.v1

import data.paved.rules.action_not_pinned as rule

sha := "11bd71901bbe5b1630ceea73d27597364c9af683"

workflow(steps) := {"kind": "github-workflow", "workflow": {"jobs": {"build": {"runs-on": "ubuntu-24.04", "steps": steps}}}}

msgs(fs) := {f.msg | some f in fs}

test_a_tag_is_a_finding_at_the_uses if {
	fs := rule.findings with input as workflow([{"uses": "actions/checkout@v4"}])
	{f.pointer | some f in fs} == {"/workflow/jobs/build/steps/0/uses"}
	msgs(fs) == {"action `actions/checkout@v4` is not pinned to a commit: the tag `v4` can be moved to other code by whoever controls actions/checkout"}
}

test_each_kind_of_ref_is_named if {
	branch := rule.findings with input as workflow([{"uses": "golangci/golangci-lint-action@main"}])
	contains(concat("", msgs(branch)), "follows the branch `main`")
	short := rule.findings with input as workflow([{"uses": "actions/cache@1bd1e32"}])
	contains(concat("", msgs(short)), "`1bd1e32` is a short SHA")
	none := rule.findings with input as workflow([{"uses": "octo/action"}])
	contains(concat("", msgs(none)), "names no ref")
	other := rule.findings with input as workflow([{"uses": "octo/action@stable-2"}])
	contains(concat("", msgs(other)), "the ref `stable-2` is a tag or branch")
	sub := rule.findings with input as workflow([{"uses": "github/codeql-action/init@v3.27.0"}])
	contains(concat("", msgs(sub)), "whoever controls github/codeql-action")
}

test_full_shas_local_and_docker_are_quiet if {
	count(rule.findings) == 0 with input as workflow([
		{"uses": sprintf("actions/checkout@%s", [sha])},
		{"uses": "./.github/actions/setup"},
		{"uses": "docker://alpine:3.20"},
		{"run": "make test"},
	])
}

test_reusable_workflows_at_job_level if {
	w := {"kind": "github-workflow", "workflow": {"jobs": {
		"release": {"uses": "acme/workflows/.github/workflows/release.yml@main"},
		"local": {"uses": "./.github/workflows/build.yml"},
	}}}
	fs := rule.findings with input as w
	{f.pointer | some f in fs} == {"/workflow/jobs/release/uses"}
	startswith(concat("", msgs(fs)), "reusable workflow `acme/workflows/.github/workflows/release.yml@main`")
}

test_composite_action_steps if {
	a := {"kind": "github-action", "action": {"runs": {"using": "composite", "steps": [
		{"uses": "actions/setup-go@v5"},
		{"shell": "bash", "run": "go build ./..."},
	]}}}
	fs := rule.findings with input as a
	{f.pointer | some f in fs} == {"/action/runs/steps/0/uses"}
}

test_allow_unpinned_trusts_owners_and_repos if {
	steps := [{"uses": "actions/checkout@v4"}, {"uses": "Docker/login-action@v3"}, {"uses": "docker/build-push-action@v6"}]
	w := object.union(workflow(steps), {"settings": {"allow_unpinned": ["actions", "docker/login-action"]}})
	fs := rule.findings with input as w
	{f.pointer | some f in fs} == {"/workflow/jobs/build/steps/2/uses"}
}

test_odd_shapes_are_quiet if {
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"jobs": ["x"]}}
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"jobs": {"a": {"steps": "x"}}}}
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": null}
	count(rule.findings) == 0 with input as {"kind": "github-action", "action": {"runs": {"using": "node20", "main": "index.js"}}}
	count(rule.findings) == 0 with input as workflow([{"uses": 3}, {"uses": "${{ matrix.action }}"}])
}

slsa(ref) := {"kind": "github-workflow", "workflow": {"jobs": {"provenance": {"uses": sprintf("slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@%s", [ref])}}}}

test_the_slsa_generator_is_called_at_its_version_tag if {
	count(rule.findings) == 0 with input as slsa("v2.1.0")
	count(rule.findings) == 1 with input as slsa("v2")
	count(rule.findings) == 1 with input as slsa("main")
}
