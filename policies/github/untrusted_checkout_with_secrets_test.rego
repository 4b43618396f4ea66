package paved.rules.untrusted_checkout_with_secrets_test

import rego.v1

import data.paved.rules.untrusted_checkout_with_secrets as rule

checkout(w) := {"uses": "actions/checkout@v4", "with": w}

head := checkout({"ref": "${{ github.event.pull_request.head.sha }}"})

wf(on, job) := {"kind": "github-workflow", "workflow": {"on": on, "jobs": {"test": job}}}

pointers(input_doc) := {f.pointer | some f in rule.findings with input as input_doc}

test_a_head_checkout_then_a_run_step_is_a_finding_at_the_ref if {
	doc := wf({"pull_request_target": {"types": ["opened"]}}, {"steps": [head, {"name": "Test", "run": "make test"}]})
	pointers(doc) == {"/workflow/jobs/test/steps/0/with/ref"}
	some f in rule.findings with input as doc
	contains(f.msg, "`pull_request_target` workflow")
	contains(f.msg, "`ref: ${{ github.event.pull_request.head.sha }}`")
	contains(f.msg, "and then runs `Test` in it:")
}

test_each_head_reference_counts if {
	every w in [
		{"ref": "${{ github.event.pull_request.head.ref }}", "repository": "${{ github.event.pull_request.head.repo.full_name }}"},
		{"ref": "${{ github.head_ref }}", "repository": "${{ github.event.pull_request.head.repo.full_name }}"},
		{"ref": "${{ github.event.workflow_run.head_sha }}"},
		{"ref": "${{ github.event.workflow_run.head_branch }}", "repository": "${{ github.event.workflow_run.head_repository.full_name }}"},
		{"ref": "refs/pull/${{ github.event.number }}/merge"},
		{"repository": "${{ github.event.pull_request.head.repo.full_name }}"},
	] {
		count(rule.findings) == 1 with input as wf(["pull_request_target"], {"steps": [checkout(w), {"run": "npm test"}]})
	}
}

test_local_actions_builders_secrets_and_write_tokens_count if {
	count(rule.findings) == 1 with input as wf("workflow_run", {"steps": [head, {"uses": "./.github/actions/build"}]})
	count(rule.findings) == 1 with input as wf("workflow_run", {"steps": [head, {"uses": "goreleaser/goreleaser-action@v6"}]})
	some f in rule.findings with input as wf("pull_request_target", {"steps": [head, {"uses": "codecov/codecov-action@v5", "with": {"token": "${{ secrets.CODECOV_TOKEN }}"}}]})
	contains(f.msg, "with `secrets.*` in scope")
	some g in rule.findings with input as wf("pull_request_target", {"permissions": {"contents": "write", "issues": "read"}, "steps": [head]})
	contains(g.msg, "`permissions: contents: write`")
	count(rule.findings) == 1 with input as {"kind": "github-workflow", "workflow": {"on": "pull_request_target", "permissions": "write-all", "jobs": {"a": {"steps": [head]}}}}
}

test_base_checkouts_plain_triggers_guards_and_inert_jobs_are_quiet if {
	# The base, not the head.
	count(rule.findings) == 0 with input as wf("pull_request_target", {"steps": [checkout({}), {"run": "make"}]})
	# pull_request runs without the base's privileges.
	count(rule.findings) == 0 with input as wf(["pull_request", "push"], {"steps": [head, {"run": "make"}]})
	# Only the repository's own branches.
	guarded := {"if": "github.event.pull_request.head.repo.full_name == github.repository", "steps": [head, {"run": "make"}]}
	count(rule.findings) == 0 with input as wf("pull_request_target", guarded)
	unguarded := object.union(guarded, {"if": "github.event.pull_request.head.repo.full_name == github.repository || contains(github.event.pull_request.labels.*.name, 'ok')"})
	count(rule.findings) == 1 with input as wf("pull_request_target", unguarded)
	# Only Dependabot's pull requests (the author, not the last pusher).
	bot := {"if": "github.event.pull_request.user.login == 'dependabot[bot]'", "steps": [head, {"run": "make"}]}
	count(rule.findings) == 0 with input as wf("pull_request_target", bot)
	count(rule.findings) == 1 with input as wf("pull_request_target", object.union(bot, {"if": "github.actor == 'dependabot[bot]'"}))
	# A checkout nothing runs, without secrets or a writing token.
	count(rule.findings) == 0 with input as wf("pull_request_target", {"permissions": {"contents": "read"}, "steps": [head, {"uses": "actions/upload-artifact@v4"}]})
	# A run step before the checkout does not run the checked-out code.
	count(rule.findings) == 0 with input as wf("pull_request_target", {"steps": [{"run": "echo hi"}, head]})
}

test_a_branch_name_alone_is_a_branch_of_the_base_repository if {
	count(rule.findings) == 0 with input as wf("pull_request_target", {"steps": [checkout({"ref": "${{ github.head_ref }}"}), {"run": "make"}]})
	both := checkout({"ref": "${{ github.head_ref }}", "repository": "${{ github.event.pull_request.head.repo.full_name }}"})
	pointers(wf("pull_request_target", {"steps": [both, {"run": "make"}]})) == {"/workflow/jobs/test/steps/0/with/ref"}
	repo_only := checkout({"repository": "${{ github.event.pull_request.head.repo.full_name }}"})
	pointers(wf("pull_request_target", {"steps": [repo_only, {"run": "make"}]})) == {"/workflow/jobs/test/steps/0/with/repository"}
}

test_a_label_gate_is_still_a_finding if {
	job := {"if": "contains(github.event.pull_request.labels.*.name, 'safe to test')", "steps": [head, {"run": "make"}]}
	count(rule.findings) == 1 with input as wf({"pull_request_target": {"types": ["labeled"]}}, job)
}

test_job_keys_are_escaped_in_the_pointer if {
	doc := {"kind": "github-workflow", "workflow": {"on": "workflow_run", "jobs": {"a/b": {"steps": [head, {"run": "x"}]}}}}
	pointers(doc) == {"/workflow/jobs/a~1b/steps/0/with/ref"}
}

test_the_message_names_the_steps_and_the_privileges if {
	job := {"permissions": {"contents": "write"}, "steps": [head, {"name": "Build", "run": "make"}, {"uses": "./act"}]}
	some f in rule.findings with input as wf("pull_request_target", job)
	contains(f.msg, "and then runs `Build` and 1 more steps in it, with a token that can write (`permissions: contents: write`)")
}
