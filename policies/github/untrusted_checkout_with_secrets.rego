# METADATA
# title: Privileged workflow checks out and runs a pull request's code
# description: >-
#   A workflow triggered by `pull_request_target` or `workflow_run` checks out the pull
#   request's head with `actions/checkout` (`ref:` of `github.event.pull_request.head.sha`,
#   `github.event.workflow_run.head_sha` or `refs/pull/.../merge`, `repository:` of the head
#   repository, with or without a branch name `ref:` such as `github.head_ref`; a branch name
#   alone names a branch of the base repository), and the same job then runs
#   code (a later `run:` step, a local action `uses: ./...`, a build tool's action) or has
#   secrets in scope (`secrets.*` in the job) or a token that can write. A checkout of the base
#   (no `ref:`) and jobs guarded to the repository's own branches
#   (`if: github.event.pull_request.head.repo.full_name == github.repository`), to its members
#   (`author_association`) or to one author (`github.event.pull_request.user.login ==
#   'dependabot[bot]'`) are not findings.
# custom:
#   id: untrusted-checkout-with-secrets
#   severity: error
#   rationale: >-
#     `pull_request_target` and `workflow_run` run in the base repository's context, with its
#     secrets and a token that may write, even for a pull request from a fork: that is what they
#     are for (labelling, commenting). Checking out the pull request's head there and building or
#     testing it runs the attacker's code (a Makefile, a package.json script, a go generate, a
#     test) with those privileges: the "pwn request". The attacker reads the secrets, pushes to
#     the repository with the token or poisons the caches that release workflows use. See the
#     GitHub Security Lab's "Keeping your GitHub Actions and workflows secure Part 1: Preventing
#     pwn requests" (securitylab.github.com/resources/github-actions-preventing-pwn-requests/)
#     and GitHub's "Security hardening for GitHub Actions" (docs.github.com/en/actions/reference/security/secure-use);
#     zizmor's `dangerous-triggers` audit is the peer. A label gate (`safe to test`) still runs
#     whatever the head is when the job starts, and is reported too.
#   fix: >-
#     Build and test the pull request in a `pull_request` workflow (no secrets, a read-only
#     token); when results need privileges (a comment, a label), upload them as an artifact and
#     act on them in a separate `workflow_run` workflow that never checks out or runs the
#     pull request's code. Where the checkout must stay, drop secrets and set
#     `permissions: contents: read` on the job, and run nothing from the checked-out tree.
package paved.rules.untrusted_checkout_with_secrets

import rego.v1

_privileged := {"pull_request_target", "workflow_run"}

_triggers contains input.workflow.on if is_string(input.workflow.on)

_triggers contains t if {
	is_array(input.workflow.on)
	some t in input.workflow.on
}

_triggers contains t if {
	is_object(input.workflow.on)
	some t, _ in input.workflow.on
}

# What makes a checkout input point at the pull request's code: a commit (GitHub serves a
# fork's commits from the base repository too, as `refs/pull/N/head`), or the head repository.
_head := {
	"ref": `github\.event\.pull_request\.head\.sha|github\.event\.pull_request\.merge_commit_sha|github\.event\.workflow_run\.(head_sha|pull_requests)|refs/pull/`,
	"repository": `github\.event\.pull_request\.head\.repo\.full_name|github\.event\.workflow_run\.head_repository\.full_name`,
}

# A branch name: the fork's branch only when `repository:` is the head repository too (alone it
# names a branch of the base repository, which only its writers can push to).
_branch := `github\.event\.pull_request\.head\.ref|github\.head_ref|github\.event\.workflow_run\.head_branch`

# The input that makes a checkout the pull request's: `ref:`, else `repository:`.
_head_key(step) := "ref" if _ref_is_head(step)

_head_key(step) := "repository" if {
	not _ref_is_head(step)
	_is_head(step, "repository")
}

_ref_is_head(step) if _is_head(step, "ref")

_ref_is_head(step) if {
	_is_branch(step)
	_is_head(step, "repository")
}

_is_head(step, key) if {
	value := step["with"][key]
	is_string(value)
	regex.match(_head[key], value)
}

_is_branch(step) if {
	value := step["with"].ref
	is_string(value)
	regex.match(_branch, value)
}

# Build tools whose actions run code from the checked-out tree.
_builders := {
	"docker/build-push-action", "goreleaser/goreleaser-action", "golangci/golangci-lint-action",
	"github/codeql-action/autobuild", "pre-commit/action", "cypress-io/github-action",
	"bahmutov/npm-install", "borales/actions-yarn", "gradle/gradle-build-action",
	"gradle/actions/setup-gradle", "ruby/setup-ruby",
}

# A condition that keeps forks out: the head is this repository, or not a fork, or the author
# is a member or a named account (`github.event.pull_request.user.login == 'dependabot[bot]'`:
# the pull request's author, unlike `github.actor`, is not whoever pushed last). Not when `||`
# offers another way in.
_guard := `head\.repo\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head_repository\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.workflow_run\.head_repository\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork|author_association|pull_request\.user\.login\s*==`

_guarded(node) if {
	is_string(node["if"])
	regex.match(_guard, lower(node["if"]))
	not contains(node["if"], "||")
}

_action(step) := lower(split(step.uses, "@")[0]) if is_string(step.uses)

_token(s) := replace(replace(s, "~", "~0"), "/", "~1")

_name(step, k) := sprintf("`%s`", [step.name]) if is_string(step.name)

_name(step, k) := sprintf("`%s`", [step.uses]) if {
	not is_string(step.name)
	is_string(step.uses)
}

_name(step, k) := sprintf("step %d", [k + 1]) if {
	not is_string(step.name)
	not is_string(step.uses)
}

# The steps after checkout i that run code from the tree.
_runs(steps, i) := [_name(s, k) |
	some k, s in steps
	k > i
	_runs_code(s)
]

_runs_code(s) if is_string(s.run)

_runs_code(s) if startswith(s.uses, "./")

_runs_code(s) if _action(s) in _builders

_running(steps, i) := sprintf(" and then runs %s in it", [r[0]]) if {
	r := _runs(steps, i)
	count(r) == 1
}

_running(steps, i) := sprintf(" and then runs %s and %d more steps in it", [r[0], count(r) - 1]) if {
	r := _runs(steps, i)
	count(r) > 1
}

_running(steps, i) := "" if count(_runs(steps, i)) == 0

_privileges(job) := array.concat(
	["`secrets.*` in scope" | regex.match(`secrets\.`, json.marshal(job))],
	[sprintf("a token that can write (`permissions: %s`)", [_perm_text(perm)]) |
		perm := _permissions(job)
		_writes(perm)
	],
)

_privileged_text(job) := sprintf(", with %s", [concat(" and ", _privileges(job))]) if count(_privileges(job)) > 0

_privileged_text(job) := "" if count(_privileges(job)) == 0

_permissions(job) := job.permissions

_permissions(job) := input.workflow.permissions if not job.permissions

_writes(p) if p == "write-all"

_writes(p) if {
	is_object(p)
	some v in p
	v == "write"
}

_perm_text(p) := p if is_string(p)

_perm_text(p) := concat(", ", sort([sprintf("%s: write", [k]) | some k, v in p; v == "write"])) if is_object(p)

_which := sort([t | some t in _triggers; t in _privileged])

findings contains f if {
	count(_which) > 0
	some job_key, job in input.workflow.jobs
	not _guarded(job)
	steps := job.steps
	some i, step in steps
	_action(step) == "actions/checkout"
	not _guarded(step)
	key := _head_key(step)
	value := step["with"][key]
	running := _running(steps, i)
	privileges := _privileged_text(job)
	concat("", [running, privileges]) != ""
	f := {
		"msg": sprintf(
			"`%s` workflow checks out the pull request's code (`%s: %s`)%s%s: a fork's author gets this repository's privileges",
			[concat("`/`", _which), key, value, running, privileges],
		),
		"pointer": sprintf("/workflow/jobs/%s/steps/%d/with/%s", [_token(job_key), i, key]),
	}
}
