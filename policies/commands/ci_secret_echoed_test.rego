package paved.rules.ci_secret_echoed_test

import rego.v1

import data.paved.rules.ci_secret_echoed as rule

cmd(argv, extra) := object.union(
	{
		"argv": argv, "env": {}, "inherited_env": {}, "text": concat(" ", argv), "line": 1, "col": 1,
		"owner": "job", "stdout": "inherited", "redirects": [], "substitutions": [], "expansions": [],
		"xtrace": false, "pipeline": {"index": 0, "length": 1, "before": [], "after": []},
	},
	extra,
)

exp(name, op, word) := {"name": name, "op": op, "word": word}

ci(cmds) := {"kind": "gitlab-ci", "commands": cmds}

gh(cmds) := {"kind": "github-workflow", "commands": cmds}

test_echo_of_a_secret_named_variable_fires if {
	c := cmd(["echo", "token $DEPLOY_TOKEN"], {"expansions": [exp("DEPLOY_TOKEN", "", 1)]})
	fs := rule.findings with input as ci([c])
	{f.msg | some f in fs} == {"`echo` prints $DEPLOY_TOKEN to the job log"}
	count(rule.findings) == 1 with input as ci([cmd(["printf", "%s", "$API_KEY"], {"expansions": [exp("API_KEY", "", 2)]})])
	count(rule.findings) == 1 with input as ci([cmd(["echo", "$PW"], {"stdout": "stderr", "expansions": [exp("DB_PASSWORD", ":-", 1)]})])
}

test_github_secrets_expressions_and_env_from_secrets_fire if {
	count(rule.findings) == 1 with input as gh([cmd(["echo", "${{ secrets.NPM_TOKEN }}"], {})])
	count(rule.findings) == 1 with input as gh([cmd(["echo", "${{ github.token }}"], {})])
	mapped := cmd(["echo", "$NPM_AUTH"], {"inherited_env": {"NPM_AUTH": "${{ secrets.NPM }}"}, "expansions": [exp("NPM_AUTH", "", 1)]})
	count(rule.findings) == 1 with input as gh([mapped])
}

test_piped_redirected_masked_and_checked_values_are_quiet if {
	e := {"expansions": [exp("TOKEN", "", 1)]}
	piped := {"stdout": "pipe", "pipeline": {"index": 0, "length": 2, "before": [], "after": [{"argv": ["docker", "login", "--password-stdin"], "stdout": "inherited"}]}}
	cases := [
		cmd(["echo", "$TOKEN"], object.union(e, piped)),
		cmd(["echo", "$TOKEN"], object.union(e, {"stdout": "file"})),
		cmd(["echo", "::add-mask::$TOKEN"], e),
		cmd(["echo", "set: ${TOKEN:+yes}"], {"expansions": [exp("TOKEN", ":+", 1)]}),
		cmd(["echo", "${#TOKEN}"], {"expansions": [exp("TOKEN", "length", 1)]}),
		cmd(["[", "-z", "$TOKEN", "]"], {"expansions": [exp("TOKEN", "", 2)]}),
		cmd(["printenv", "HOME"], {}),
		cmd(["echo", "$TOKEN_URL $SECRET_NAME $PASSWORD_FILE"], {"expansions": [exp("TOKEN_URL", "", 1), exp("SECRET_NAME", "", 1), exp("PASSWORD_FILE", "", 1)]}),
		cmd(["printf", "-v", "x", "%s", "$TOKEN"], {"expansions": [exp("TOKEN", "", 4)]}),
	]
	every c in cases {
		count(rule.findings) == 0 with input as ci([c])
	}
}

test_tee_still_prints if {
	piped := {"stdout": "pipe", "expansions": [exp("TOKEN", "", 1)], "pipeline": {"index": 0, "length": 2, "before": [], "after": [{"argv": ["tee", "t"], "stdout": "inherited"}]}}
	count(rule.findings) == 1 with input as ci([cmd(["echo", "$TOKEN"], piped)])
	quiet := object.union(piped, {"pipeline": {"after": [{"argv": ["tee", "t"], "stdout": "null"}]}})
	count(rule.findings) == 0 with input as ci([cmd(["echo", "$TOKEN"], quiet)])
}

test_set_x_before_a_secret_names_the_set_line if {
	set := cmd(["set", "-euxo", "pipefail"], {"line": 4})
	use := cmd(["curl", "-u", "me:$TOKEN", "https://x"], {"line": 5, "xtrace": true, "expansions": [exp("TOKEN", "", 2)]})
	fs := rule.findings with input as ci([set, use])
	{f.msg | some f in fs} == {"`set -x` on line 4 traces `curl`: the trace prints $TOKEN to the job log"}
	count(rule.findings) == 0 with input as ci([set, object.union(use, {"xtrace": false})])
}

test_environment_dumps if {
	count(rule.findings) == 1 with input as ci([cmd(["env"], {})])
	count(rule.findings) == 1 with input as ci([cmd(["export", "-p"], {})])
	sorted := {"stdout": "pipe", "pipeline": {"index": 0, "length": 2, "before": [], "after": [{"argv": ["sort"], "stdout": "inherited"}]}}
	count(rule.findings) == 1 with input as ci([cmd(["printenv"], sorted)])
	grepped := {"stdout": "pipe", "pipeline": {"index": 0, "length": 2, "before": [], "after": [{"argv": ["grep", "^GO"], "stdout": "inherited"}]}}
	count(rule.findings) == 0 with input as ci([cmd(["env"], grepped)])
	count(rule.findings) == 0 with input as ci([cmd(["env"], {"stdout": "file"})])
	# GitHub: only with a secret in the step's environment.
	count(rule.findings) == 0 with input as gh([cmd(["env"], {"inherited_env": {"GOFLAGS": "-mod=mod"}})])
	count(rule.findings) == 1 with input as gh([cmd(["env"], {"inherited_env": {"T": "${{ secrets.T }}"}})])
}

test_not_ci_files if {
	c := cmd(["echo", "$TOKEN"], {"expansions": [exp("TOKEN", "", 1)]})
	count(rule.findings) == 0 with input as {"kind": "dockerfile", "commands": [c]}
	count(rule.findings) == 0 with input as {"kind": "shell", "commands": [c]}
}

test_secret_names if {
	every n in ["TOKEN", "GITHUB_TOKEN", "NPMTOKEN", "DB_PASSWORD", "DOCKER_PASS", "GH_PAT", "AWS_SECRET_ACCESS_KEY", "SSH_PRIVATE_KEY", "api_key", "VAULT_SECRET_ID"] {
		rule.secret_name(n)
	}
	every n in ["BYPASS", "COMPASS", "PATH", "TOKENIZER", "TOKEN_URL", "SECRET_NAME", "PASSWORD_FILE", "AWS_ACCESS_KEY_ID", "KEY", "CACHE_KEY", "PASSED"] {
		not rule.secret_name(n)
	}
}
