package paved.rules.secret_in_plain_env_test

import rego.v1

import data.paved.rules.secret_in_plain_env as rule

wl(env) := {"workloads": [{
	"kind": "Deployment", "name": "web", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec", "pod": {},
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false, "container": {"name": "app", "env": env}}],
}]}

test_container_literal_secrets_fire_at_the_value if {
	fs := rule.findings with input as wl([
		{"name": "DB_PASSWORD", "value": "s3cr3t"},
		{"name": "LOG_LEVEL", "value": "debug"},
		{"name": "DATABASE_URL", "value": "postgres://app:hunter22@db:5432/shop"},
		{"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "api", "key": "key"}}},
	])
	{f.pointer | some f in fs} == {
		"/objects/0/object/spec/template/spec/containers/0/env/0/value",
		"/objects/0/object/spec/template/spec/containers/0/env/2/value",
	}
	some f in fs
	f.msg == `container "app" of Deployment "web" sets env DB_PASSWORD to a literal value (6 characters): refer to a Secret (valueFrom.secretKeyRef) instead`
	every f in fs {
		not contains(f.msg, "s3cr3t")
		not contains(f.msg, "hunter22")
	}
}

test_container_references_and_non_secrets_are_quiet if {
	count(rule.findings) == 0 with input as wl([
		{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "t", "key": "t"}}},
		{"name": "DB_PASSWORD", "value": ""},
		{"name": "DB_PASSWORD", "value": "$(PASSWORD_FROM_SECRET)"},
		{"name": "TOKEN_TTL", "value": "1h30m"},
		{"name": "PASSWORD_FILE", "value": "/etc/secret/password"},
		{"name": "SECRET_NAME", "value": "app-secrets"},
		{"name": "TOKEN", "value": "/var/run/secrets/tokens/vault-token"},
		{"name": "ENABLE_TOKEN", "value": "true"},
		{"name": "DATABASE_URL", "value": "postgres://app@db:5432/shop"},
		{"name": "A"},
		"not an entry",
	])
	count(rule.findings) == 0 with input as wl("not a list")
}

df(instructions) := {"dockerfile": {"global_args": [], "stages": [{"index": 0, "instructions": instructions}]}}

kv(key, value, refs) := {"key": key, "value": value, "value_refs": refs, "value_pos": {"line": 2, "col": 5}}

test_dockerfile_env_and_arg_defaults if {
	fs := rule.findings with input as df([
		{"keyword": "ENV", "key_values": [kv("API_TOKEN", "abc123", false), kv("PORT", "8080", false)]},
		{"keyword": "ARG", "key_values": [kv("NPM_TOKEN", null, false), kv("GH_TOKEN", "ghp_x", false)]},
		{"keyword": "ENV", "key_values": [kv("GH_TOKEN", "ghp_x", true)]},
		{"keyword": "LABEL", "key_values": [kv("secret", "x1", false)]},
	])
	{f.pointer | some f in fs} == {
		"/dockerfile/stages/0/instructions/0/key_values/0/value_pos",
		"/dockerfile/stages/0/instructions/1/key_values/1/value_pos",
	}
	some f in fs
	f.msg == "ENV API_TOKEN is set to a literal value (6 characters), kept in the image's history: use a build secret (RUN --mount=type=secret) or pass it at run time"
}

test_dockerfile_global_args if {
	fs := rule.findings with input as {"dockerfile": {"global_args": [kv("SECRET", "x-y-z", false)], "stages": []}}
	{f.pointer | some f in fs} == {"/dockerfile/global_args/0/value_pos"}
}

test_github_env_at_every_level if {
	fs := rule.findings with input as {"workflow": {
		"env": {"NPM_TOKEN": "npm_abc", "GO": "1.26"},
		"jobs": {
			"a/b": {"env": {"DB_PASSWORD": "postgres"}, "steps": [
				{"run": "x", "env": {"TOKEN": "${{ secrets.TOKEN }}", "SECRET": "plain"}},
				{"uses": "x@y"},
			]},
			"c": {"env": "${{ fromJSON(inputs.env) }}"},
		},
	}}
	{f.pointer | some f in fs} == {
		"/workflow/env/NPM_TOKEN",
		"/workflow/jobs/a~1b/env/DB_PASSWORD",
		"/workflow/jobs/a~1b/steps/0/env/SECRET",
	}
	some f in fs
	f.msg == "env SECRET of step 1 of job a/b is set to a literal value (5 characters): use ${{ secrets.NAME }}"
}

test_github_expressions_never_fire if {
	count(rule.findings) == 0 with input as {"workflow": {"env": {
		"GITHUB_TOKEN": "${{ github.token }}",
		"TOKEN": "${{ steps.app.outputs.token }}",
		"API_KEY": "${{ secrets.KEY || '' }}",
		"DATABASE_URL": "postgres://app:${{ secrets.DB }}@db/x",
	}}}
}

test_composite_action_steps if {
	fs := rule.findings with input as {"action": {"runs": {"using": "composite", "steps": [{"run": "x", "env": {"API_KEY": "k-123"}}]}}}
	{f.pointer | some f in fs} == {"/action/runs/steps/0/env/API_KEY"}
}

test_gitlab_global_job_and_rule_variables if {
	fs := rule.findings with input as {"gitlab": {
		"variables": {"DEPLOY_TOKEN": "gl-abc", "REF": "$CI_COMMIT_SHA", "CI_PASSWORD": {"value": "pw-1", "description": "x"}},
		"stages": ["test"],
		".tmpl": {"variables": {"REGISTRY_PASSWORD": "$CI_REGISTRY_PASSWORD"}},
		"deploy": {"script": ["x"], "variables": {"API_KEY": "k1"}, "rules": [{"if": "x", "variables": {"SECRET": "s1"}}]},
		"workflow": {"rules": [{"variables": {"TOKEN": "t1"}}]},
	}}
	{f.pointer | some f in fs} == {
		"/gitlab/variables/DEPLOY_TOKEN",
		"/gitlab/variables/CI_PASSWORD/value",
		"/gitlab/deploy/variables/API_KEY",
		"/gitlab/deploy/rules/0/variables/SECRET",
		"/gitlab/workflow/rules/0/variables/TOKEN",
	}
	some f in fs
	f.msg == "variable DEPLOY_TOKEN is set to a literal value (6 characters) in the pipeline file: use a masked, protected CI/CD variable"
}

test_malformed_ci_files_are_quiet if {
	count(rule.findings) == 0 with input as {"gitlab": {"variables": ["A"], "job": {"variables": "x", "rules": "y"}}}
	count(rule.findings) == 0 with input as {"workflow": {"env": ["A"], "jobs": {"a": {"steps": "x"}, "b": "c"}}}
	count(rule.findings) == 0 with input as {"workflow": "x"}
}
