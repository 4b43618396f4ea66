# METADATA
# title: A secret is written into an environment variable
# description: >-
#   An environment variable whose name says secret (PASSWORD, PASSWD, PASSPHRASE, SECRET,
#   TOKEN, API_KEY, PRIVATE_KEY, CREDENTIALS, as words of the name: `DB_PASSWORD`,
#   `clientSecret`, `NPMTOKEN`, `SECRET_KEY_BASE`) has a literal non-empty value, or any
#   variable holds a connection string with a literal password (`postgres://app:pw@db/x`).
#   Surfaces: Kubernetes container `env[].value` (manifests, rendered Helm charts, Kustomize
#   builds), Dockerfile `ENV` and `ARG` defaults, GitHub Actions `env:` (workflow, job, step;
#   and a composite action's steps), GitLab CI `variables:` (global, job, `rules:`). Never:
#   references (`valueFrom`, `${{ secrets.X }}` or any `${{ }}`, `$VAR`/`${VAR}`/`$(VAR)`,
#   another templating system's `{{ x }}`/`@X@`/`__X__`), empty values (a Helm value left
#   empty renders empty), names that say something about a secret rather than hold it
#   (`..._FILE`, `_PATH`, `_NAME`, `_REF`, `_URL`, `_TTL`, `_LENGTH`, `MAX_TOKENS`),
#   switches and numbers (`true`, `0`, `300s`), paths (`/var/run/secrets/...`) and
#   placeholders that hold nothing (`<your-token>`, `xxxx`, `****`, `dummy`). Well-known defaults
#   (`changeme`, `password`, `admin`) fire: a service accepts them. Points at the value; the
#   message gives the value's length, never the value.
# custom:
#   id: secret-in-plain-env
#   severity: error
#   rationale: >-
#     A literal in a manifest, Dockerfile or CI file is in the repository's history for good,
#     readable by everyone who can clone it, and copied into every fork, mirror, image layer
#     (`docker history` shows ENV and ARG values) and rendered release. Kubernetes shows plain
#     env values to anyone who may `get` the pod or its Deployment, and they land in
#     `kubectl describe`, audit logs and GitOps dashboards; a Secret reference keeps the value
#     behind RBAC, encryption at rest and rotation. CI variables written in the pipeline file
#     are neither masked nor protected. A secret that was committed has to be rotated.
#   fix: >-
#     Keep the value in a secret store and refer to it: Kubernetes `valueFrom.secretKeyRef`
#     (or `envFrom.secretRef`, an external-secrets or sealed-secrets object), a Helm value the
#     chart turns into a Secret, GitHub `${{ secrets.NAME }}`, a masked and protected GitLab
#     CI/CD variable, a BuildKit secret mount (`RUN --mount=type=secret,id=token`) rather than
#     an ARG or ENV. Rotate the value that was committed.
#   examples:
#     bad: "env:\n  - name: DB_PASSWORD\n    value: s3cr3t-Passw0rd"
#     good: "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}"
package paved.rules.secret_in_plain_env

import rego.v1

# --- Kubernetes containers (manifests, rendered charts, kustomize builds)

findings contains f if {
	some w in input.workloads
	some c in w.containers
	env := object.get(c.container, "env", [])
	is_array(env)
	some j, e in env
	is_object(e)
	name := object.get(e, "name", null)
	is_string(name)
	value := object.get(e, "value", null)
	problem := data.paved.lib.secrets.problem(name, value)
	f := {
		"msg": sprintf("%s sets env %s to %s: refer to a Secret (valueFrom.secretKeyRef) instead", [data.paved.lib.k8s.describe(w, c), name, problem]),
		"pointer": sprintf("%s/env/%d/value", [c.pointer, j]),
	}
}

# --- Dockerfile ENV and ARG defaults

dockerfile := object.get(input, "dockerfile", {})

# [pointer to the value, the instruction, the key and value]
dockerfile_values contains [sprintf("/dockerfile/global_args/%d/value_pos", [j]), "ARG", kv] if {
	some j, kv in object.get(dockerfile, "global_args", [])
}

dockerfile_values contains [ptr, ins.keyword, kv] if {
	some s, stage in object.get(dockerfile, "stages", [])
	some k, ins in stage.instructions
	ins.keyword in {"ENV", "ARG"}
	some j, kv in ins.key_values
	ptr := sprintf("/dockerfile/stages/%d/instructions/%d/key_values/%d/value_pos", [s, k, j])
}

findings contains f if {
	some [ptr, keyword, kv] in dockerfile_values
	kv.value != null
	not kv.value_refs
	problem := data.paved.lib.secrets.problem(kv.key, kv.value)
	f := {
		"msg": sprintf("%s %s is set to %s, kept in the image's history: use a build secret (RUN --mount=type=secret) or pass it at run time", [keyword, kv.key, problem]),
		"pointer": ptr,
	}
}

# --- GitHub Actions env: (workflow, job, step) and composite action steps

workflow := object.get(input, "workflow", {})

jobs := j if {
	is_object(workflow)
	j := object.get(workflow, "jobs", {})
	is_object(j)
}

# [pointer to an env: mapping, what holds it, the mapping]
github_envs contains ["/workflow/env", "the workflow", object.get(workflow, "env", {})] if is_object(workflow)

github_envs contains [sprintf("/workflow/jobs/%s/env", [token(id)]), sprintf("job %s", [id]), object.get(job, "env", {})] if {
	some id, job in jobs
	is_object(job)
}

github_envs contains [sprintf("/workflow/jobs/%s/steps/%d/env", [token(id), k]), sprintf("step %d of job %s", [k + 1, id]), object.get(step, "env", {})] if {
	some id, job in jobs
	is_object(job)
	steps := object.get(job, "steps", [])
	is_array(steps)
	some k, step in steps
	is_object(step)
}

github_envs contains [sprintf("/action/runs/steps/%d/env", [k]), sprintf("step %d of the action", [k + 1]), object.get(step, "env", {})] if {
	action := object.get(input, "action", {})
	is_object(action)
	runs := object.get(action, "runs", {})
	is_object(runs)
	steps := object.get(runs, "steps", [])
	is_array(steps)
	some k, step in steps
	is_object(step)
}

token(s) := data.paved.lib.secrets.pointer_token(s)

findings contains f if {
	some [ptr, owner, env] in github_envs
	is_object(env)
	some name, value in env
	is_string(name)
	problem := data.paved.lib.secrets.problem(name, value)
	f := {
		"msg": sprintf("env %s of %s is set to %s: use ${{ secrets.NAME }}", [name, owner, problem]),
		"pointer": sprintf("%s/%s", [ptr, token(name)]),
	}
}

# --- GitLab CI variables: (global, jobs and templates, rules)

gitlab := g if {
	g := object.get(input, "gitlab", {})
	is_object(g)
}

# Top-level keys that are not jobs (nor job templates).
gitlab_reserved := {"default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script", "spec"}

gitlab_jobs contains [id, job] if {
	some id, job in gitlab
	not id in gitlab_reserved
	is_object(job)
}

# [pointer to a variables: mapping, the mapping]
gitlab_vars contains ["/gitlab/variables", object.get(gitlab, "variables", {})]

gitlab_vars contains [sprintf("/gitlab/%s/variables", [token(id)]), object.get(job, "variables", {})] if {
	some [id, job] in gitlab_jobs
}

gitlab_vars contains [sprintf("/gitlab/%s/rules/%d/variables", [token(id), k]), object.get(rule, "variables", {})] if {
	some [id, job] in gitlab_jobs
	rules := object.get(job, "rules", [])
	is_array(rules)
	some k, rule in rules
	is_object(rule)
}

gitlab_vars contains [sprintf("/gitlab/workflow/rules/%d/variables", [k]), object.get(rule, "variables", {})] if {
	wf := object.get(gitlab, "workflow", {})
	is_object(wf)
	rules := object.get(wf, "rules", [])
	is_array(rules)
	some k, rule in rules
	is_object(rule)
}

# A variable's value and its pointer: `NAME: value` or `NAME: {value: ..., description: ...}`.
gitlab_value(ptr, name, v) := [v, sprintf("%s/%s", [ptr, token(name)])] if not is_object(v)

gitlab_value(ptr, name, v) := [object.get(v, "value", null), sprintf("%s/%s/value", [ptr, token(name)])] if is_object(v)

# The message names no job: a variable an anchor shares is one finding at its line.
findings contains f if {
	some [ptr, vars] in gitlab_vars
	is_object(vars)
	some name, raw in vars
	is_string(name)
	[value, vptr] := gitlab_value(ptr, name, raw)
	problem := data.paved.lib.secrets.problem(name, value)
	f := {
		"msg": sprintf("variable %s is set to %s in the pipeline file: use a masked, protected CI/CD variable", [name, problem]),
		"pointer": vptr,
	}
}
