package paved.rules.deploy_unverified_test

import rego.v1

import data.paved.rules.deploy_unverified as rule

cmd(owner, argv) := {"argv": argv, "env": {}, "inherited_env": {}, "text": concat(" ", argv), "owner": owner, "line": 1, "col": 1}

# A GitHub workflow whose job `deploy` runs these commands (and has these `uses:` steps).
gh(argvs, uses) := {
	"kind": "github-workflow",
	"workflow": {"jobs": {"deploy": {"steps": [{"uses": u} | some u in uses]}}},
	"commands": [cmd("deploy", a) | some a in argvs],
}

fires(argvs) if count(rule.findings) == 1 with input as gh(argvs, [])

quiet(argvs) if count(rule.findings) == 0 with input as gh(argvs, [])

apply := ["kubectl", "apply", "-f", "k8s/"]

test_deploys_without_verification_fire_at_the_deploy if {
	fs := rule.findings with input as gh([["echo", "hi"], apply], [])
	count(fs) == 1
	some f in fs
	f.pointer == "/commands/1"
	contains(f.msg, "`kubectl apply` deploys in job `deploy`")
	fires([["kubectl", "-n", "prod", "apply", "-k", "overlays/prod"]])
	fires([["kubectl", "--context", "prod", "replace", "-f", "app.yaml"]])
	fires([["kubectl", "create", "-f", "app.yaml"]])
	fires([["kubectl", "create", "deployment", "app", "--image=r/app:1"]])
	fires([["kubectl", "set", "image", "deployment/app", "app=r/app:1.2.3"]])
	fires([["oc", "apply", "-f", "app.yaml"]])
	fires([["microk8s", "kubectl", "apply", "-f", "app.yaml"]])
	fires([["helm", "upgrade", "--install", "app", "./chart", "-n", "prod"]])
	fires([["helm", "install", "app", "./chart"]])
	fires([["helm", "secrets", "upgrade", "app", "./chart", "-f", "secrets.yaml"]])
	fires([["kubectl", "apply", "--dry-run=none", "-f", "app.yaml"]])
	fires([["helm", "upgrade", "app", "./chart", "--wait=false"]])
	fires([["helm", "upgrade", "app", "./chart", "--wait=hookOnly"]])
}

test_every_deploy_of_an_unverified_job_fires if {
	fs := rule.findings with input as gh([apply, ["helm", "upgrade", "--install", "a", "c"]], [])
	count(fs) == 2
}

test_what_is_not_a_deploy_is_quiet if {
	quiet([["kubectl", "apply", "--dry-run=client", "-f", "app.yaml"]])
	quiet([["kubectl", "apply", "-f", "app.yaml", "--dry-run=server"]])
	quiet([["kubectl", "apply", "--dry-run", "-f", "app.yaml"]])
	quiet([["kubectl", "apply", "view-last-applied", "deployment/app"]])
	quiet([["kubectl", "diff", "-f", "app.yaml"]])
	quiet([["kubectl", "create", "secret", "generic", "x", "--from-file=k=f"]])
	quiet([["kubectl", "create", "namespace", "prod"]])
	quiet([["kubectl", "-n", "kube-system", "create", "configmap", "c", "--from-literal=a=b"]])
	quiet([["kubectl", "set", "image", "-f", "app.yaml", "app=r/app:1", "--local", "-o", "yaml"]])
	quiet([["helm", "template", "./chart"]])
	quiet([["helm", "upgrade", "--install", "app", "./chart", "--dry-run"]])
	quiet([["helm", "install", "app", "./chart", "--dry-run=server"]])
	quiet([["helm", "diff", "upgrade", "app", "./chart"]])
	quiet([["helm", "repo", "add", "x", "https://x"]])
	quiet([["make", "deploy"]])
	quiet([["./scripts/deploy.sh", "prod"]])
}

test_verification_anywhere_in_the_job_is_quiet if {
	quiet([apply, ["kubectl", "rollout", "status", "deployment/app", "--timeout=5m"]])
	quiet([apply, ["kubectl", "-n", "prod", "rollout", "status", "deploy/app"]])
	quiet([["kubectl", "rollout", "status", "deployment/app"], apply])
	quiet([apply, ["kubectl", "wait", "--for=condition=available", "--timeout=300s", "deployment/app"]])
	quiet([apply, ["kubectl", "wait", "--for=condition=Available=True", "deployment/app"]])
	quiet([apply, ["kubectl", "wait", "--for", "condition=Ready", "pod", "-l", "app=x"]])
	quiet([["helm", "upgrade", "--install", "--atomic", "--wait", "--timeout", "5m", "app", "./chart"]])
	quiet([["helm", "upgrade", "--install", "app", "./chart", "--wait=true"]])
	quiet([["helm", "upgrade", "--install", "app", "./chart", "--wait-for-jobs"]])
	quiet([["helm", "upgrade", "--install", "app", "./chart", "--rollback-on-failure"]])
	quiet([["helm", "upgrade", "--install", "app", "./chart"], ["helm", "test", "app"]])
	quiet([["helm", "install", "crds", "c/crds"], ["helm", "install", "app", "./chart", "--wait"]])
	quiet([apply, ["kubectl", "argo", "rollouts", "status", "app"]])
	quiet([apply, ["./scripts/wait-for-rollout.sh", "app"]])
	quiet([apply, ["make", "smoke-test"]])
	quiet([apply, ["bash", "hack/verify-deploy.sh"]])
}

test_a_wait_for_other_conditions_does_not_verify if {
	fires([apply, ["kubectl", "wait", "--for=condition=established", "crd/x.example.com"]])
	fires([apply, ["kubectl", "wait", "--for=delete", "pod/x"]])
	fires([apply, ["helm", "status", "app"]])
	fires([apply, ["kubectl", "get", "pods"]])
}

test_throwaway_clusters_are_tests_not_deploys if {
	quiet([["kind", "create", "cluster", "--name", "e2e"], apply])
	quiet([["minikube", "start"], apply])
	quiet([["k3d", "cluster", "create", "t"], apply])
	count(rule.findings) == 0 with input as gh([apply], ["helm/kind-action@v1.12.0"])
	count(rule.findings) == 0 with input as gh([apply], ["Azure/k8s-deploy@v5"])
	count(rule.findings) == 1 with input as gh([apply], ["actions/checkout@v4"])
}

test_other_jobs_do_not_verify_a_github_job if {
	doc := {
		"kind": "github-workflow",
		"workflow": {"jobs": {"deploy": {}, "verify": {}}},
		"commands": [cmd("deploy", apply), cmd("verify", ["kubectl", "rollout", "status", "deployment/app"])],
	}
	count(rule.findings) == 1 with input as doc
}

test_only_ci_files_fire if {
	every kind in ["makefile", "shell", "dockerfile", "github-action"] {
		count(rule.findings) == 0 with input as {"kind": kind, "commands": [cmd("x", apply)]}
	}
}

gl(jobs, commands) := {"kind": "gitlab-ci", "gitlab": jobs, "commands": commands}

test_gitlab_jobs_include_their_templates_and_scripts if {
	# Same job: script and after_script.
	count(rule.findings) == 0 with input as gl({"deploy": {}}, [cmd("deploy", apply), cmd("deploy", ["kubectl", "rollout", "status", "deploy/app"])])
	count(rule.findings) == 1 with input as gl({"deploy": {}, "verify": {}}, [cmd("deploy", apply), cmd("verify", ["kubectl", "rollout", "status", "deploy/app"])])

	# The template's deploy, verified in the job that extends it, and the other way round.
	jobs := {".deploy": {}, "prod": {"extends": ".deploy"}, "staging": {"extends": [".base", ".deploy"]}, ".base": {}}
	count(rule.findings) == 0 with input as gl(jobs, [cmd(".deploy", apply), cmd("prod", ["kubectl", "rollout", "status", "deploy/app"])])
	count(rule.findings) == 0 with input as gl(jobs, [cmd("staging", apply), cmd(".base", ["helm", "test", "app"])])
	count(rule.findings) == 1 with input as gl(jobs, [cmd("prod", apply)])

	# A default after_script runs in every job.
	count(rule.findings) == 0 with input as gl({"deploy": {}}, [cmd("deploy", apply), cmd("after_script", ["kubectl", "rollout", "status", "deploy/app"])])

	# A template no job here extends is used elsewhere.
	count(rule.findings) == 0 with input as gl({".deploy": {}}, [cmd(".deploy", apply)])

	# `extends:` that is not a name or list of names.
	count(rule.findings) == 1 with input as gl({"deploy": {"extends": 3}, "x": "y"}, [cmd("deploy", apply)])
}

test_circleci_jobs_count_their_reusable_commands if {
	doc := {"kind": "circleci", "circleci": {"commands": {"verify": {}}}, "commands": [cmd("deploy", apply), cmd("verify", ["kubectl", "rollout", "status", "deploy/app"])]}
	count(rule.findings) == 0 with input as doc
	count(rule.findings) == 1 with input as {"kind": "circleci", "circleci": {}, "commands": [cmd("deploy", apply)]}
}

test_circleci_orb_and_command_steps_that_name_verification_count if {
	steps := [{"run": "kubectl apply -f k8s/"}, {"kubernetes/rollout-status": {"resource-name": "deployment/app"}}]
	doc := {"kind": "circleci", "circleci": {"jobs": {"deploy": {"steps": steps}}}, "commands": [cmd("deploy", apply)]}
	count(rule.findings) == 0 with input as doc
	doc2 := {"kind": "circleci", "circleci": {"jobs": {"deploy": {"steps": ["checkout", {"run": "x"}]}}}, "commands": [cmd("deploy", apply)]}
	count(rule.findings) == 1 with input as doc2
}

test_files_of_odd_shapes_still_fire if {
	count(rule.findings) == 1 with input as {"kind": "github-workflow", "workflow": {"jobs": "x"}, "commands": [cmd("deploy", apply)]}
	count(rule.findings) == 1 with input as {"kind": "github-workflow", "workflow": {"jobs": {"deploy": {"steps": "x"}}}, "commands": [cmd("deploy", apply)]}
	count(rule.findings) == 1 with input as {"kind": "gitlab-ci", "gitlab": ["x"], "commands": [cmd("deploy", apply)]}
	count(rule.findings) == 1 with input as {"kind": "circleci", "circleci": {"jobs": {"deploy": {"steps": 3}}, "commands": []}, "commands": [cmd("deploy", apply)]}
}
