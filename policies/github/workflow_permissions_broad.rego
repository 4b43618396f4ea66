# METADATA
# title: Workflow job's GITHUB_TOKEN has broad permissions
# description: >-
#   A job of a GitHub workflow runs with `permissions:` set by neither the job nor the
#   workflow (the token then has the repository's or organization's default, write access to
#   every scope where it is permissive, as it is on repositories created before February 2023
#   and in many organizations), or with `write-all` (the job's own or, when the job sets none,
#   the workflow's; a job's `permissions:` replaces the workflow's). Points at the job's key,
#   or at a job's own `write-all`. Jobs that call a reusable workflow count: the caller's
#   permissions are the most the called workflow's token gets. Workflows triggered only by
#   `workflow_call` are skipped: their token is the caller's. Workflows triggered only by
#   `pull_request` are not exempt: only pull requests from forks get a read-only token,
#   pushes to branches of the repository itself (a maintainer's, a bot's) get the default.
# custom:
#   id: workflow-permissions-broad
#   severity: warning
#   rationale: >-
#     Every step of a job can use its GITHUB_TOKEN, including every third-party action and
#     every dependency a build or test runs. With write access to contents, packages,
#     actions or pull requests, one compromised step can push commits or tags, rewrite
#     releases, publish packages or approve and merge pull requests in the repository, and
#     the tj-actions/changed-files compromise (March 2025) showed how such tokens leak.
#     GitHub's security hardening guide: give the token the least access it needs.
#   fix: >-
#     Set `permissions: contents: read` at the top of the workflow and widen it only in the
#     jobs that need more (`packages: write` to push an image, `pull-requests: write` to
#     comment, `id-token: write` for OIDC); never `write-all`.
#   examples:
#     bad: "jobs:\n  test:\n    runs-on: ubuntu-24.04"
#     good: "permissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-24.04"
package paved.rules.workflow_permissions_broad

import rego.v1

jobs := input.workflow.jobs if {
	input.kind == "github-workflow"
	is_object(input.workflow)
	is_object(input.workflow.jobs)
}

# `on:` as written (`on` is a string in YAML 1.2; a YAML 1.1 reader's `true` key too).
triggers := {e |
	some k in ["on", "true"]
	some e in events(input.workflow[k])
}

events(on) := {on} if is_string(on)

events(on) := {e | some e in on} if is_array(on)

events(on) := {e | some e, _ in on} if is_object(on)

only_called if triggers == {"workflow_call"}

key(id) := replace(replace(sprintf("%v", [id]), "~", "~0"), "/", "~1")

has(obj, k) if {
	is_object(obj)
	k in object.keys(obj)
}

what(job) := "calls a reusable workflow" if is_string(job.uses)

what(job) := "runs" if not is_string(job.uses)

findings contains f if {
	not only_called
	some id, job in jobs
	is_object(job)
	not has(job, "permissions")
	not has(input.workflow, "permissions")
	f := {
		"msg": sprintf(
			"job `%v` %s with no `permissions:` in the job or the workflow: its GITHUB_TOKEN gets the repository's default, often write access to every scope",
			[id, what(job)],
		),
		"pointer": sprintf("/workflow/jobs/%s", [key(id)]),
	}
}

findings contains f if {
	not only_called
	some id, job in jobs
	is_object(job)
	job.permissions == "write-all"
	f := {
		"msg": sprintf("job `%v` sets `permissions: write-all`: every step can write to every scope of the repository", [id]),
		"pointer": sprintf("/workflow/jobs/%s/permissions", [key(id)]),
	}
}

findings contains f if {
	not only_called
	some id, job in jobs
	is_object(job)
	not has(job, "permissions")
	input.workflow.permissions == "write-all"
	f := {
		"msg": sprintf("job `%v` inherits the workflow's `permissions: write-all`: every step can write to every scope of the repository", [id]),
		"pointer": sprintf("/workflow/jobs/%s", [key(id)]),
	}
}
