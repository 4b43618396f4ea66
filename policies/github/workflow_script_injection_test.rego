package paved.rules.workflow_script_injection_test

import rego.v1

import data.paved.rules.workflow_script_injection as rule

ex(expr) := {
	"text": sprintf("${{ %s }}", [expr]), "expr": expr, "context": "run", "job": "build", "step": 0,
	"pointer": "/workflow/jobs/build/steps/0", "line": 9, "col": 17,
}

wf(exprs, env) := {
	"kind": "github-workflow",
	"workflow": {"on": "pull_request", "jobs": {"build": {"steps": [{"run": "echo", "env": env}]}}},
	"script_expressions": exprs,
}

fires(expr) if count(rule.findings) == 1 with input as wf([ex(expr)], {})

quiet(expr) if count(rule.findings) == 0 with input as wf([ex(expr)], {})

test_each_untrusted_context_fires if {
	every expr in [
		"github.event.issue.title", "github.event.issue.body",
		"github.event.pull_request.title", "github.event.pull_request.body",
		"github.event.comment.body", "github.event.review.body", "github.event.review_comment.body",
		"github.event.pages[0].page_name", "github.event.pages.*.page_name",
		"github.event.commits[0].message", "github.event.commits[1].author.email", "github.event.commits[0].author.name",
		"github.event.head_commit.message", "github.event.head_commit.author.email", "github.event.head_commit.author.name",
		"github.event.pull_request.head.ref", "github.event.pull_request.head.label",
		"github.event.pull_request.head.repo.default_branch", "github.head_ref",
		"github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit.message",
		"github.event.workflow_run.head_commit.author.name", "github.event.workflow_run.head_commit.author.email",
		"github.event.discussion.title", "github.event.discussion.body",
		"github.event.label.name", "github.event.pull_request.labels[0].name", "github.event.issue.labels.*.name",
	] {
		fires(expr)
	}
}

test_wrapped_and_spelled_otherwise_fires if {
	fires("toJSON(github.event.pull_request.title)")
	fires("format('PR: {0}', github.event.pull_request.title)")
	fires("github.event.pull_request.head.ref || github.ref_name")
	fires("join(github.event.pull_request.labels.*.name, ', ')")
	fires("github.event['pull_request']['body']")
	fires("GitHub.Event.Issue.Title")
	fires("toJSON(github.event)")
	fires("toJSON(github.event.head_commit.author)")
}

test_trusted_contexts_and_booleans_are_quiet if {
	every expr in [
		"github.event.pull_request.number", "github.sha", "github.ref", "github.repository",
		"github.event.pull_request.head.sha", "github.event.pull_request.head.repo.full_name",
		"inputs.title", "secrets.TOKEN", "matrix.go", "env.TITLE", "steps.meta.outputs.tags",
		"github.event_name", "github.event.issue.number",
		"contains(github.event.pull_request.labels.*.name, 'ok')",
		"startsWith(github.head_ref, 'release/')",
		"github.event.pull_request.title == 'x' && 'yes' || 'no'",
		"!github.event.pull_request.head.repo.fork",
		"github.event.head_commit.message && 'changed'",
		"'github.event.issue.title'",
	] {
		quiet(expr)
	}
}

test_the_message_names_the_expression_and_the_finding_its_position if {
	some f in rule.findings with input as wf([ex("github.event.issue.title")], {})
	contains(f.msg, "`${{ github.event.issue.title }}`")
	contains(f.msg, "`run:` script")
	f.line == 9
	f.col == 17
}

test_env_set_from_untrusted_text_fires_only_through_an_expression if {
	env := {"TITLE": "${{ github.event.pull_request.title }}", "SHA": "${{ github.sha }}"}
	some f in rule.findings with input as wf([ex("env.TITLE")], env)
	contains(f.msg, "github.event.pull_request.title")
	count(rule.findings) == 0 with input as wf([ex("env.SHA")], env)
	count(rule.findings) == 0 with input as wf([ex("env.OTHER")], env)
	# A step's own env shadows the job's.
	job := {"kind": "github-workflow", "script_expressions": [ex("env.TITLE")], "workflow": {"jobs": {"build": {
		"env": env,
		"steps": [{"run": "echo", "env": {"TITLE": "fixed"}}],
	}}}}
	count(rule.findings) == 0 with input as job
	unshadowed := {"kind": "github-workflow", "script_expressions": [ex("env.TITLE")], "workflow": {"jobs": {"build": {
		"env": env,
		"steps": [{"run": "echo"}],
	}}}}
	count(rule.findings) == 1 with input as unshadowed
}

test_composite_action_steps_fire if {
	e := object.union(ex("github.event.pull_request.title"), {"job": null, "pointer": "/action/runs/steps/1", "step": 1})
	action := {"kind": "github-action", "script_expressions": [e], "action": {"runs": {"using": "composite", "steps": [
		{"run": "echo ok", "shell": "bash"},
		{"run": "echo \"${{ github.event.pull_request.title }}\"", "shell": "bash"},
	]}}}
	{[f.line, f.col] | some f in rule.findings with input as action} == {[9, 17]}
}

test_composite_action_env_indirection if {
	action := {"kind": "github-action", "script_expressions": [object.union(ex("env.B"), {"job": null, "pointer": "/action/runs/steps/0"})], "action": {"runs": {"steps": [
		{"run": "echo ${{ env.B }}", "env": {"B": "${{ github.head_ref }}"}},
	]}}}
	count(rule.findings) == 1 with input as action
}

test_one_finding_per_expression if {
	some f in rule.findings with input as wf([ex("format('{0} {1}', github.head_ref, github.event.issue.body)")], {})
	contains(f.msg, "`github.event.issue.body`, `github.head_ref` is text")
}

test_github_script_is_named if {
	e := object.union(ex("github.event.comment.body"), {"context": "script"})
	some f in rule.findings with input as wf([e], {})
	contains(f.msg, "`actions/github-script` script")
}
