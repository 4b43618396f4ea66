# METADATA
# title: A CI job deploys and never checks that the rollout succeeded
# description: >-
#   A CI job (a GitHub workflow job across its steps, a GitLab job with its before_script,
#   script and after_script, a CircleCI job) deploys to Kubernetes: `kubectl apply`,
#   `kubectl replace`, `kubectl create -f`/`-k` or `kubectl create deployment`, `kubectl set
#   image` (also `oc`, `microk8s kubectl`, a `kustomize build | kubectl apply -f -` pipeline),
#   `helm upgrade` or `helm install` (also through `helm secrets`), none with `--dry-run`
#   (`=client`, `=server`); and nothing in the same job waits for the rollout and checks it:
#   `kubectl rollout status`, `kubectl wait --for=condition=available` (or `=ready`), `helm
#   upgrade/install` with `--wait`, `--wait-for-jobs`, `--atomic` or `--rollback-on-failure`,
#   `helm test`, `kubectl argo rollouts status`, the `azure/k8s-deploy` action (it checks the
#   rollout itself), or a script, make target, action or CircleCI (orb) command whose name says
#   it waits or verifies (`./wait-for-rollout.sh`, `make smoke-test`,
#   `kubernetes/rollout-status`: paved cannot see into it). Quiet: jobs that
#   create a throwaway cluster on the runner (`kind create cluster`, `minikube start`, `k3d
#   cluster create`, `helm/kind-action` and the like: tests, not delivery), `kubectl create`
#   of a secret, config map, namespace and other objects without a rollout, `kubectl diff`,
#   `helm template`, a job that deploys through `make deploy` or a script (what runs there is
#   not in the job), Makefiles and shell scripts themselves (not CI jobs), composite actions
#   (their caller's job is not known), and a GitLab hidden template (`.deploy:`) no job of the
#   file extends. In GitLab, the jobs a job extends or is extended by, `default:` and the
#   global before_script/after_script count as the same job. Points at the deploying command.
# custom:
#   id: deploy-unverified
#   severity: error
#   rationale: >-
#     `kubectl apply` and `helm upgrade` return as soon as the API server has accepted the new
#     objects, before a single new pod has started: the job goes green while the image fails to
#     pull, the pods crash-loop or never become ready, and the next stage (production, a
#     release announcement) runs on a deploy that did not happen. Nobody is told; the old
#     ReplicaSet keeps serving or the service is down, and the broken revision waits for the
#     next person who deploys. Continuous delivery needs the loop closed in the pipeline:
#     wait for the rollout, check it, and roll back (`helm --atomic`) when it fails.
#   fix: >-
#     After the deploy, in the same job: `kubectl rollout status deployment/NAME --timeout=5m`
#     (or `kubectl wait --for=condition=available deployment/NAME --timeout=5m`); with Helm,
#     `helm upgrade --install --atomic --wait --timeout 5m ...` (it rolls back by itself when
#     the release does not become ready), then `helm test RELEASE` to probe the running service.
#   examples:
#     bad: "deploy:\n  script:\n    - kubectl apply -f k8s/"
#     good: "deploy:\n  script:\n    - kubectl apply -f k8s/\n    - kubectl rollout status deployment/app --timeout=5m"
package paved.rules.deploy_unverified

import rego.v1

ci_kinds := {"github-workflow", "gitlab-ci", "circleci"}

base(p) := b if {
	parts := split(p, "/")
	b := parts[count(parts) - 1]
}

# --- kubectl

# argv with `microk8s kubectl ...` / `k3s kubectl ...` unwrapped.
kubectl_argv(argv) := array.slice(argv, 1, count(argv)) if {
	base(argv[0]) in {"microk8s", "microk8s.kubectl", "k3s"}
	count(argv) > 1
	argv[1] == "kubectl"
}

kubectl_argv(argv) := argv if base(argv[0]) in {"kubectl", "oc"}

# Options (global and of the subcommands read here) that take a value as the next word.
value_flags := {
	"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
	"--token", "--as", "--as-group", "--as-uid", "--request-timeout", "-v", "--v",
	"--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name",
	"--cache-dir", "--profile", "--profile-output", "--log-file", "--vmodule", "-l", "--selector",
	"-f", "--filename", "-k", "--kustomize", "-o", "--output", "--field-manager", "-c",
	"--container", "--timeout", "--for", "--kube-context", "--kube-apiserver", "--kube-token",
	"--kube-as-user", "--kube-as-group", "--kube-ca-file", "--kube-tls-server-name",
	"--registry-config", "--repository-config", "--repository-cache", "--burst-limit", "--qps",
	"--values", "--set", "--set-string", "--set-file", "--set-json", "--set-literal", "--version",
	"--post-renderer", "--post-renderer-args", "--description", "--repo", "--username",
	"--password", "--ca-file", "--cert-file", "--key-file", "--history-max", "--revision",
}

# The words of argv that are neither options nor an option's value: [subcommand, ...].
words(argv) := [a |
	some i, a in argv
	i > 0
	not startswith(a, "-")
	not argv[i - 1] in value_flags
]

dry_run(argv) if "--dry-run" in argv

dry_run(argv) if {
	some a in argv
	startswith(a, "--dry-run=")
	not a in {"--dry-run=none", "--dry-run=false"}
}

file_flag(argv) if {
	some a in argv
	regex.match(`^(-f|-k|--filename|--kustomize)(=.*)?$|^-[fk].`, a)
}

# `kubectl apply|replace|create|set image` that changes the cluster: its name for the message.
deploys(argv) := sprintf("%s %s", [base(k[0]), w[0]]) if {
	k := kubectl_argv(argv)
	w := words(k)
	w[0] in {"apply", "replace"}
	not w[1] in {"view-last-applied", "edit-last-applied", "set-last-applied"}
	not dry_run(k)
}

deploys(argv) := sprintf("%s create", [base(k[0])]) if {
	k := kubectl_argv(argv)
	w := words(k)
	w[0] == "create"
	create_deploys(k, w)
	not dry_run(k)
}

deploys(argv) := sprintf("%s set image", [base(k[0])]) if {
	k := kubectl_argv(argv)
	w := words(k)
	w[0] == "set"
	w[1] == "image"
	not "--local" in k
	not dry_run(k)
}

create_deploys(k, w) if file_flag(k)

create_deploys(k, w) if w[1] == "deployment"

# --- helm

helm_command(argv) := w if {
	base(argv[0]) == "helm"
	w := words(argv)
}

# `helm upgrade`/`helm install`, also `helm secrets upgrade` (the helm-secrets plugin).
helm_deploy_word(argv) := w[0] if {
	w := helm_command(argv)
	w[0] in {"upgrade", "install"}
}

helm_deploy_word(argv) := w[1] if {
	w := helm_command(argv)
	w[0] == "secrets"
	w[1] in {"upgrade", "install"}
}

deploys(argv) := sprintf("helm %s", [helm_deploy_word(argv)]) if not dry_run(argv)

# --- what verifies a rollout

# Helm's own waiting (Helm 3 `--wait`, `--atomic`; Helm 4 `--wait=watcher`,
# `--rollback-on-failure`); `--wait=hookOnly` waits for hooks only.
helm_waits(argv) if {
	some a in argv
	a in {"--wait", "--wait=true", "--wait=watcher", "--wait=legacy", "--wait-for-jobs", "--wait-for-jobs=true", "--atomic", "--atomic=true", "--rollback-on-failure", "--rollback-on-failure=true"}
}

verifies(argv) if {
	helm_deploy_word(argv)
	helm_waits(argv)
}

verifies(argv) if {
	w := helm_command(argv)
	w[0] == "test"
}

verifies(argv) if {
	w := words(kubectl_argv(argv))
	w[0] == "rollout"
	w[1] == "status"
}

# `kubectl argo rollouts status NAME`.
verifies(argv) if {
	w := words(kubectl_argv(argv))
	w[0] == "argo"
	"status" in w
}

verifies(argv) if {
	k := kubectl_argv(argv)
	words(k)[0] == "wait"
	some i, a in k
	cond := wait_condition(k, i, a)
	regex.match(`(?i)^condition=(available|ready)(=true)?$`, cond)
}

wait_condition(k, i, a) := trim_prefix(a, "--for=") if startswith(a, "--for=")

wait_condition(k, i, a) := k[i + 1] if a == "--for"

# A script, make target or action whose name says it waits for or checks the deploy.
verify_words := ["wait", "rollout", "verify", "smoke", "health", "readiness", "check-deploy", "check_deploy"]

verify_named(name) if {
	n := lower(name)
	some w in verify_words
	contains(n, w)
}

names_verification(argv) if verify_named(base(argv[0]))

names_verification(argv) if {
	base(argv[0]) in {"sh", "bash", "make", "gmake", "just", "task"}
	some i, a in argv
	i > 0
	not startswith(a, "-")
	verify_named(base(a))
}

# --- throwaway clusters on the runner

creates_cluster(argv) if {
	base(argv[0]) in {"kind", "k3d", "ctlptl"}
	w := words(argv)
	"create" in w
	"cluster" in w
}

creates_cluster(argv) if {
	base(argv[0]) == "minikube"
	words(argv)[0] == "start"
}

cluster_actions := {
	"helm/kind-action", "engineerd/setup-kind", "container-tools/kind-action",
	"medyagh/setup-minikube", "manusa/actions-setup-minikube", "absaoss/k3d-action",
	"nolar/setup-k3d-k3s", "debianmaster/actions-k3s", "jupyterhub/action-k3s-helm",
	"balchua/microk8s-actions", "kubernetes-sigs/kind",
}

# --- the job a command belongs to

# GitHub: the job's steps (`uses:`) as written.
job_steps(owner) := steps if {
	input.kind == "github-workflow"
	steps := input.workflow.jobs[owner].steps
	is_array(steps)
}

action_of(step) := lower(split(step.uses, "@")[0]) if {
	is_object(step)
	is_string(step.uses)
}

step_verifies(owner) if {
	some step in job_steps(owner)
	a := action_of(step)
	a == "azure/k8s-deploy"
}

step_verifies(owner) if {
	some step in job_steps(owner)
	verify_named(action_of(step))
}

# CircleCI: a job's steps that call a command or an orb's command by name (`- wait-rollout`,
# `- kubernetes/rollout-status: {...}`).
circleci_step_names(owner) := {n |
	steps := circleci_jobs[owner].steps
	is_array(steps)
	some step in steps
	n := circleci_step_name(step)
}

circleci_step_name(step) := step if is_string(step)

circleci_step_name(step) := k if {
	is_object(step)
	some k, _ in step
}

circleci_step_verifies(owner) if {
	some n in circleci_step_names(owner)
	verify_named(n)
}

step_creates_cluster(owner) if {
	some step in job_steps(owner)
	action_of(step) in cluster_actions
}

# GitLab: a job's `extends:` as a list of names.
gitlab_job(name) := j if {
	j := input.gitlab[name]
	is_object(j)
}

parents(name) := {e | e := gitlab_job(name).extends; is_string(e)} | {e |
	ext := gitlab_job(name).extends
	is_array(ext)
	some e in ext
	is_string(e)
}

gitlab_jobs := {k | some k, v in input.gitlab; is_object(v)} if {
	input.kind == "gitlab-ci"
	is_object(input.gitlab)
}

children(names) := {k | some k in gitlab_jobs; some p in parents(k); p in names}

gitlab_globals := {"default", "before_script", "after_script"}

# The owners whose commands run in the same job as one of `owner`'s: the jobs it extends and
# that extend it (three levels each way) and the defaults.
related(owner) := {owner} | up | down | gitlab_globals if {
	input.kind == "gitlab-ci"
	not owner in gitlab_globals
	p1 := parents(owner)
	p2 := {q | some p in p1; some q in parents(p)}
	p3 := {q | some p in p2; some q in parents(p)}
	up := (p1 | p2) | p3
	d1 := children({owner})
	d2 := children(d1)
	d3 := children(d2)
	down := (d1 | d2) | d3
}

# A default script runs in every job.
related(owner) := {c.owner | some c in input.commands} if {
	input.kind == "gitlab-ci"
	owner in gitlab_globals
}

related(owner) := {owner} if input.kind == "github-workflow"

# CircleCI: a job's steps may call the config's reusable commands (counted as the same job);
# a reusable command may be called from any job.
circleci_commands := {k | some k, _ in input.circleci.commands} if is_object(input.circleci.commands)

circleci_commands := set() if not is_object(input.circleci.commands)

related(owner) := {owner} | circleci_commands if {
	input.kind == "circleci"
	not owner in circleci_commands
}

related(owner) := {c.owner | some c in input.commands} if {
	input.kind == "circleci"
	owner in circleci_commands
}

# A GitLab hidden template that no job of the file extends: its users are elsewhere.
unused_template(owner) if {
	input.kind == "gitlab-ci"
	startswith(owner, ".")
	count(children({owner})) == 0
}

# Work per file, not per command: the commands are first narrowed down by their program
# (no function call), and the jobs that verify or create a cluster are collected once.
cluster_tools := {"kind", "k3d", "ctlptl", "minikube"}

kube_tools := {"kubectl", "oc", "microk8s", "microk8s.kubectl", "k3s", "helm"}

program(c) := parts[count(parts) - 1] if parts := split(c.argv[0], "/")

kube_commands := [[i, c] | some i, c in input.commands; program(c) in kube_tools]

named_verifiers := {c.owner |
	some c in input.commands
	n := lower(c.text)
	some w in verify_words
	contains(n, w)
	names_verification(c.argv)
}

verifying_owners := (({c.owner | some [_, c] in kube_commands; verifies(c.argv)} | named_verifiers) | {o | some o, _ in job_steps_by_owner; step_verifies(o)}) | circleci_verifying_jobs

cluster_owners := {c.owner | some c in input.commands; program(c) in cluster_tools; creates_cluster(c.argv)} | {o | some o, _ in job_steps_by_owner; step_creates_cluster(o)}

github_jobs if {
	input.kind == "github-workflow"
	is_object(input.workflow.jobs)
}

job_steps_by_owner := {o: s | some o, _ in input.workflow.jobs; s := job_steps(o)} if github_jobs

job_steps_by_owner := {} if not github_jobs

circleci_has_jobs if {
	input.kind == "circleci"
	is_object(input.circleci.jobs)
}

circleci_jobs := input.circleci.jobs if circleci_has_jobs

circleci_jobs := {} if not circleci_has_jobs

circleci_verifying_jobs := {o | some o, _ in circleci_jobs; circleci_step_verifies(o)}

findings contains f if {
	input.kind in ci_kinds
	some [i, c] in kube_commands
	what := deploys(c.argv)
	owners := related(c.owner)
	count(owners & verifying_owners) == 0
	count(owners & cluster_owners) == 0
	not unused_template(c.owner)
	f := {
		"msg": sprintf("`%s` deploys in job `%s` and nothing in the job waits for the rollout or checks it: the job passes while the new pods may never become ready (add `kubectl rollout status`, or `helm --atomic --wait` and `helm test`)", [what, c.owner]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}
