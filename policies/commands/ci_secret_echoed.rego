# METADATA
# title: A CI script prints a secret to the job log
# description: >-
#   In a CI script (GitHub `run:`, GitLab `script:`/`before_script:`/`after_script:`,
#   CircleCI `run:`): `echo`/`printf` (or `printenv NAME`) prints a variable whose name says
#   secret (PASSWORD, PASSWD, PASS, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY, CREDENTIALS,
#   PAT, ...; not `..._FILE`, `..._URL`, `..._NAME` and the like), a variable the workflow
#   defines from `${{ secrets.X }}`, or a `${{ secrets.X }}` / `${{ github.token }}` expression,
#   and its output reaches the log (not piped into a command, not redirected to a file; piping
#   through `tee`, `cat` or `base64` still prints); a command uses a secret while `set -x` (or
#   `set -o xtrace`, `sh -x -c`) traces it; or `env`, `printenv`, `export -p`, `declare -p` or
#   `set` with no arguments dumps the environment (on GitHub only when the step has a secret
#   in its environment: GitHub puts none there unless `env:` maps one). `${X:+...}`, `${#X}`
#   and tests (`[ -z "$TOKEN" ]`) print no value; `::add-mask::` registers one. Points at the
#   printing command (for `set -x`, at the command that uses the secret, naming the `set -x`
#   line). Dockerfiles, Makefiles and shell scripts are not checked: their output is not a
#   shared log, or not known to be.
# custom:
#   id: ci-secret-echoed
#   severity: warning
#   rationale: >-
#     Job logs are read by everyone who can read the project (on a public repository, the
#     world), are kept for months, and are copied into artifacts, chat notifications and log
#     shippers. GitHub replaces the values of registered secrets with `***`, but only exact
#     values: a secret transformed (base64, URL-encoded, quoted into JSON, a substring), a
#     token derived from it (an OAuth exchange, a `gcloud auth print-access-token`), one line
#     of a multi-line secret, or a value fetched from Vault or a cloud secret manager is printed
#     in clear unless the script registers it with `::add-mask::`. GitLab masks only variables
#     flagged "masked" whose values meet its format rules (at least 8 characters, one line, a
#     limited alphabet); variables defined in `.gitlab-ci.yml`, unmasked or file-type
#     variables and any transformed value appear as written. CircleCI masks project and
#     context variables of 4 characters or more, again only verbatim. `set -x` prints every
#     command after expansion, secrets included, and an environment dump prints all of them
#     at once. A secret in a log has to be rotated.
#   fix: >-
#     Do not print secrets: test that one is set with `[ -n "$TOKEN" ]` or `${TOKEN:+set}`,
#     pass it on stdin (`printf '%s' "$TOKEN" | docker login --password-stdin`) or in a file,
#     register derived values with `echo "::add-mask::$VALUE"` on GitHub, turn tracing off
#     (`set +x`) around commands that use secrets, and print only the variables you need
#     (`printenv HOME PATH`) instead of the whole environment.
#   examples:
#     bad: "echo \"Deploying with token $DEPLOY_TOKEN\""
#     good: "echo \"Deploy token is ${DEPLOY_TOKEN:+set}\""
package paved.rules.ci_secret_echoed

import rego.v1

ci_kinds := {"github-workflow", "gitlab-ci", "circleci"}

# What a variable's name says when it holds a secret: a whole `_`-separated part of the name,
# or (for the first group) the end of one (`NPMTOKEN`, `DBPASSWORD`). This list is this rule's own.
secret_word_endings := {"PASSWORD", "PASSWORDS", "PASSWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "APIKEY"}

secret_words := {
	"PASS", "API_KEY", "PRIVATE_KEY", "CREDENTIALS", "CREDENTIAL", "CREDS", "PAT", "CLIENT_SECRET",
	"SIGNING_KEY", "ENCRYPTION_KEY", "AUTH_KEY",
}

# A name ending with one of these names the secret's metadata, not the secret.
metadata_words := {
	"FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "NAME", "NAMES", "TYPE", "KIND",
	"ID_TYPE", "LENGTH", "HASH", "ENABLED", "SET", "EXISTS", "PRESENT", "ARN", "REF", "VAR",
	"ENV", "HEADER", "FIELD", "EXPIRY", "EXPIRES", "EXPIRATION", "TTL", "SCOPE", "SCOPES",
	"PREFIX", "SUFFIX", "COUNT", "MODE", "NAMESPACE", "REGION", "VERSION", "PROVIDER", "SOURCE",
	"STORE", "MOUNT", "AUDIENCE", "ISSUER", "DURATION", "TIMEOUT", "LOCATION", "KEY_ID",
}

secret_name(name) if {
	n := upper(name)
	some w in secret_word_endings
	regex.match(sprintf(`(^|_)[A-Z0-9]*%s(_|$)`, [w]), n)
	not metadata_name(n)
}

secret_name(name) if {
	n := upper(name)
	some w in secret_words
	regex.match(sprintf(`(^|_)%s(_|$)`, [w]), n)
	not metadata_name(n)
}

metadata_name(n) if {
	some w in metadata_words
	endswith(n, concat("_", ["", w]))
}

# A GitHub expression that is a secret's value.
secret_expression := `(?i)\$\{\{\s*(secrets\s*\.\s*[A-Za-z0-9_-]+|secrets\[[^\]]*\]|github\.token|to(json|JSON)\(\s*secrets\s*\))\s*\}\}`

# A variable that holds a secret where `c` runs: by its name, or by its value in the step's,
# job's or workflow's `env:` (`NPM_AUTH: ${{ secrets.NPM }}`).
secret_var(c, name) if secret_name(name)

secret_var(c, name) if regex.match(secret_expression, object.get(c.env, name, ""))

secret_var(c, name) if {
	not c.env[name]
	regex.match(secret_expression, object.get(c.inherited_env, name, ""))
}

# Expansions that put the value into the word (`${X:+set}`, `${#X}` put something else).
value_ops := {"", ":-", "-", ":=", "=", ":?", "?"}

# --- printing

printers := {"echo", "printf"}

# Programs that pass what they read on to the log.
pass_through := {"tee", "cat", "base64", "xxd", "od", "hexdump", "rev"}

# The command's output reaches the job log.
reaches_log(c) if c.stdout in {"inherited", "stderr"}

reaches_log(c) if {
	c.stdout == "pipe"
	count(c.pipeline.after) > 0
	every m in c.pipeline.after {
		m.argv[0] in pass_through
	}
	last := c.pipeline.after[count(c.pipeline.after) - 1]
	last.stdout in {"inherited", "stderr"}
}

# GitHub workflow commands that consume the line rather than show it.
workflow_command(c) if {
	some k, a in c.argv
	k > 0
	regex.match(`^::(add-mask|set-output|save-state|stop-commands)`, a)
}

# What `c` prints that is a secret: `$TOKEN`, or `${{ secrets.X }}`.
printed_secret(c) := sprintf("$%s", [e.name]) if {
	some e in c.expansions
	is_number(e.word)
	e.word >= 1
	e.op in value_ops
	secret_var(c, e.name)
}

printed_secret(c) := sprintf("`%s`", [m]) if {
	some k, a in c.argv
	k >= 1
	m := regex.find_n(secret_expression, a, 1)[0]
}

# `printenv TOKEN`: a named secret.
printed_secret(c) := sprintf("$%s", [name]) if {
	c.argv[0] == "printenv"
	some k, name in c.argv
	k >= 1
	secret_var(c, name)
}

echoes(c) := s if {
	c.argv[0] in printers
	not c.argv[1] == "-v"
	not workflow_command(c)
	reaches_log(c)
	some s in {x | x := printed_secret(c)}
}

echoes(c) := s if {
	c.argv[0] == "printenv"
	reaches_log(c)
	some s in {x | x := printed_secret(c)}
}

findings contains f if {
	input.kind in ci_kinds
	some i, c in input.commands
	secrets := {s | s := echoes(c)}
	count(secrets) > 0
	f := {
		"msg": sprintf("`%s` prints %s to the job log", [c.argv[0], concat(", ", sort(secrets))]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

# --- set -x

# What a traced command shows: any secret it expands (a test's operand too), in any word.
traced_secret(c) := sprintf("$%s", [e.name]) if {
	some e in c.expansions
	e.op in value_ops
	secret_var(c, e.name)
}

traced_secret(c) := sprintf("`%s`", [m]) if {
	m := regex.find_n(secret_expression, c.text, 1)[0]
}

turns_on_xtrace(d) if {
	d.argv[0] == "set"
	some a in d.argv
	regex.match(`^-[a-zA-Z]*x|^xtrace$`, a)
}

# Where tracing was turned on: the nearest `set -x` before command i of the same owner.
xtrace_origin(i, c) := sprintf("`set -x` on line %d", [input.commands[j].line]) if {
	js := [j | some j, d in input.commands; j < i; d.owner == c.owner; turns_on_xtrace(d)]
	count(js) > 0
	j := max(js)
}

xtrace_origin(i, c) := "the shell's -x" if {
	count([j | some j, d in input.commands; j < i; d.owner == c.owner; turns_on_xtrace(d)]) == 0
}

findings contains f if {
	input.kind in ci_kinds
	some i, c in input.commands
	c.xtrace
	count({s | s := echoes(c)}) == 0
	secrets := {s | s := traced_secret(c)}
	count(secrets) > 0
	f := {
		"msg": sprintf("%s traces `%s`: the trace prints %s to the job log", [xtrace_origin(i, c), c.argv[0], concat(", ", sort(secrets))]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

# --- environment dumps

dump(argv) if {
	count(argv) == 1
	argv[0] in {"env", "printenv", "export", "set", "declare", "typeset"}
}

dump(argv) if {
	count(argv) == 2
	argv[0] in {"export", "declare", "typeset"}
	argv[1] in {"-p", "-x", "-px", "-xp"}
}

# Filters that only reorder or copy what they read (a `grep` selects, so it is not one).
reorders := {"sort", "tee", "cat", "column", "uniq", "less", "more"}

dump_reaches_log(c) if c.stdout in {"inherited", "stderr"}

dump_reaches_log(c) if {
	c.stdout == "pipe"
	every m in c.pipeline.after {
		m.argv[0] in reorders
	}
	last := c.pipeline.after[count(c.pipeline.after) - 1]
	last.stdout in {"inherited", "stderr"}
}

# GitHub puts a secret in a step's environment only when `env:` maps one.
secrets_in_scope(c) if input.kind in {"gitlab-ci", "circleci"}

secrets_in_scope(c) if {
	some name, _ in object.union(c.inherited_env, c.env)
	secret_var(c, name)
}

findings contains f if {
	input.kind in ci_kinds
	some i, c in input.commands
	dump(c.argv)
	dump_reaches_log(c)
	secrets_in_scope(c)
	f := {
		"msg": sprintf("`%s` dumps the environment to the job log, with every secret in it", [concat(" ", c.argv)]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}
