# METADATA
# title: GitHub action not pinned to a commit SHA
# description: >-
#   A `uses:` of an action or reusable workflow outside the repository names a tag (`v4`), a
#   branch (`main`), a short SHA or no ref at all instead of a full 40-hex commit SHA: steps
#   of workflow jobs, job-level `uses:` of reusable workflows
#   (`owner/repo/.github/workflows/x.yml@ref`) and the steps of the repository's own
#   composite actions. Local `./...` actions and workflows are the repository's own code;
#   `docker://` images fall under image-latest-tag; the SLSA generator's workflows
#   (`slsa-framework/slsa-github-generator/...@vX.Y.Z`) must be called at a full version tag,
#   which they verify, and are not findings. Config `allow-unpinned: [OWNER or
#   OWNER/REPO, ...]` trusts those at a tag; by default nothing is (zizmor trusts GitHub's
#   own `actions/*` at a tag by default; paved is stricter, as GitHub's hardening guide).
# custom:
#   id: action-not-pinned
#   severity: warning
#   rationale: >-
#     A tag or branch is a pointer that whoever controls the action's repository (its
#     maintainer, or anyone who steals a maintainer's token) can move to any commit, and every
#     workflow that uses it runs the new code on its next run, with the job's GITHUB_TOKEN and
#     secrets. In March 2025 the tags of tj-actions/changed-files were repointed to a commit
#     that dumped runner memory, secrets included, into the build logs of some 23,000
#     repositories (CVE-2025-30066). GitHub's "Security hardening for GitHub Actions" guide: a
#     full-length commit SHA is the only way to use an action as an immutable release; moving
#     it would need a SHA-1 collision. A short SHA is not one: a branch or tag of that name
#     takes precedence.
#   fix: >-
#     Pin the full 40-hex commit SHA the tag points to and keep the version as a comment:
#     `uses: actions/checkout@<40-hex SHA> # v4.2.2` (Dependabot and Renovate keep such pins
#     up to date and update the comment). paved has no automatic fix: resolving a tag to its
#     SHA needs the network. To trust an owner or repository at a tag, list it in config
#     `allow-unpinned: [OWNER or OWNER/REPO]`.
#   examples:
#     bad: "- uses: actions/checkout@v4"
#     good: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"
package paved.rules.action_not_pinned

import rego.v1

# Every `uses:` of the file: [pointer, value, what it names].
uses contains [sprintf("/workflow/jobs/%s/steps/%d/uses", [key(id), i]), step.uses, "action"] if {
	input.kind == "github-workflow"
	is_object(input.workflow.jobs)
	some id, job in input.workflow.jobs
	is_array(job.steps)
	some i, step in job.steps
	is_string(step.uses)
}

uses contains [sprintf("/workflow/jobs/%s/uses", [key(id)]), job.uses, "reusable workflow"] if {
	input.kind == "github-workflow"
	is_object(input.workflow.jobs)
	some id, job in input.workflow.jobs
	is_string(job.uses)
}

uses contains [sprintf("/action/runs/steps/%d/uses", [i]), step.uses, "action"] if {
	input.kind == "github-action"
	is_array(input.action.runs.steps)
	some i, step in input.action.runs.steps
	is_string(step.uses)
}

key(id) := replace(replace(sprintf("%v", [id]), "~", "~0"), "/", "~1")

local(u) if startswith(u, "./")

local(u) if u == "."

findings contains f if {
	some entry in uses
	u := entry[1]
	not local(u)
	not startswith(u, "docker://")
	not contains(u, "${{")
	parts := split(u, "@")
	name := parts[0]
	ref := concat("@", array.slice(parts, 1, count(parts)))
	not full_sha(ref)
	not allowed(name)
	not slsa_generator(name, ref)
	f := {"msg": message(entry[2], u, name, ref), "pointer": entry[0]}
}

full_sha(ref) if regex.match(`^[0-9a-fA-F]{40}$`, ref)

# The SLSA generator's reusable workflows must be called at a `vX.Y.Z` tag: they check their own
# ref to fetch the matching release and mint provenance, and refuse a SHA
# (slsa-framework/slsa-github-generator#722).
slsa_generator(name, ref) if {
	startswith(lower(name), "slsa-framework/slsa-github-generator/")
	regex.match(`^v[0-9]+\.[0-9]+\.[0-9]+$`, ref)
}

# `allow-unpinned` names an owner (`actions`) or a repository (`docker/login-action`).
allowed(name) if {
	parts := split(lower(name), "/")
	some a in object.get(input, ["settings", "allow_unpinned"], [])
	lower(a) in {parts[0], concat("/", array.slice(parts, 0, 2))}
}

message(what, u, name, ref) := sprintf("%s `%s` names no ref: pin it to a full 40-hex commit SHA", [what, u]) if {
	ref == ""
}

message(what, u, name, ref) := msg if {
	ref != ""
	msg := sprintf("%s `%s` is not pinned to a commit: %s", [what, u, moving(name, ref)])
}

moving(name, ref) := sprintf("the tag `%s` can be moved to other code by whoever controls %s", [ref, repo(name)]) if {
	kind(ref) == "tag"
}

moving(name, ref) := sprintf("it follows the branch `%s`, so each run takes whatever was last pushed to %s", [ref, repo(name)]) if {
	kind(ref) == "branch"
}

moving(name, ref) := sprintf("`%s` is a short SHA, and a branch or tag of that name in %s would take its place", [ref, repo(name)]) if {
	kind(ref) == "short-sha"
}

moving(name, ref) := sprintf("the ref `%s` is a tag or branch, which whoever controls %s can move", [ref, repo(name)]) if {
	kind(ref) == "other"
}

repo(name) := concat("/", array.slice(split(name, "/"), 0, 2))

branches := {"main", "master", "develop", "development", "dev", "trunk", "next", "stable", "latest", "nightly", "edge", "canary", "head"}

kind(ref) := "short-sha" if regex.match(`^[0-9a-f]{7,39}$`, ref)

kind(ref) := "tag" if {
	not regex.match(`^[0-9a-f]{7,39}$`, ref)
	regex.match(`^v?[0-9]+(\.[0-9]+)*([-+.][0-9A-Za-z.+-]*)?$`, ref)
}

kind(ref) := "branch" if {
	not regex.match(`^[0-9a-f]{7,39}$`, ref)
	not regex.match(`^v?[0-9]+(\.[0-9]+)*([-+.][0-9A-Za-z.+-]*)?$`, ref)
	branch_like(ref)
}

kind(ref) := "other" if {
	not regex.match(`^[0-9a-f]{7,39}$`, ref)
	not regex.match(`^v?[0-9]+(\.[0-9]+)*([-+.][0-9A-Za-z.+-]*)?$`, ref)
	not branch_like(ref)
}

branch_like(ref) if lower(ref) in branches

branch_like(ref) if regex.match(`^(release|releases|feature|features|fix|hotfix|dependabot|renovate)/`, ref)
