package paved.rules.workflow_permissions_broad_test

import rego.v1

import data.paved.rules.workflow_permissions_broad as rule

wf(w) := {"kind": "github-workflow", "workflow": object.union({"on": "push"}, w)}

job := {"runs-on": "ubuntu-24.04", "steps": [{"run": "make test"}]}

pointers(fs) := {f.pointer | some f in fs}

test_no_permissions_anywhere_is_a_finding_per_job if {
	fs := rule.findings with input as wf({"jobs": {"test": job, "lint": job}})
	pointers(fs) == {"/workflow/jobs/test", "/workflow/jobs/lint"}
	some f in fs
	contains(f.msg, "job `test` runs with no `permissions:`")
}

test_workflow_or_job_permissions_are_quiet if {
	count(rule.findings) == 0 with input as wf({"permissions": {"contents": "read"}, "jobs": {"test": job}})
	count(rule.findings) == 0 with input as wf({"jobs": {"test": object.union(job, {"permissions": {}})}})
	count(rule.findings) == 0 with input as wf({"permissions": "read-all", "jobs": {"test": job}})
}

test_write_all_at_the_job_points_at_the_value if {
	fs := rule.findings with input as wf({"permissions": {"contents": "read"}, "jobs": {"release": object.union(job, {"permissions": "write-all"})}})
	pointers(fs) == {"/workflow/jobs/release/permissions"}
}

test_workflow_write_all_unless_the_job_narrows_it if {
	w := wf({"permissions": "write-all", "jobs": {"test": job, "pages": object.union(job, {"permissions": {"pages": "write"}})}})
	fs := rule.findings with input as w
	pointers(fs) == {"/workflow/jobs/test"}
	some f in fs
	contains(f.msg, "inherits the workflow's `permissions: write-all`")
}

test_reusable_workflow_callers_count if {
	fs := rule.findings with input as wf({"jobs": {"release": {"uses": "./.github/workflows/release.yml"}}})
	some f in fs
	contains(f.msg, "calls a reusable workflow")
}

test_called_only_workflows_take_the_callers_token if {
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"on": "workflow_call", "jobs": {"test": job}}}
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"on": {"workflow_call": {"inputs": {}}}, "jobs": {"test": job}}}
	count(rule.findings) == 1 with input as {"kind": "github-workflow", "workflow": {"on": ["workflow_call", "push"], "jobs": {"test": job}}}
	count(rule.findings) == 1 with input as {"kind": "github-workflow", "workflow": {"true": "workflow_call", "on": "push", "jobs": {"test": job}}}
}

test_odd_shapes_are_quiet if {
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"on": "push", "jobs": ["x"]}}
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": {"on": "push", "jobs": {"a": "x"}}}
	count(rule.findings) == 0 with input as {"kind": "github-workflow", "workflow": null}
	count(rule.findings) == 0 with input as {"kind": "github-action", "action": {"runs": {"using": "composite"}}}
}
