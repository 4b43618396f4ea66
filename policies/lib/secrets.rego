# What says "secret", shared by secret-in-plain-env and secret-in-configmap: whether a variable
# (or ConfigMap key) name names a secret, whether its value is a literal one (not a reference,
# a placeholder, a switch, a number or a path), and a DSN's literal password. Call fully
# qualified (`data.paved.lib.secrets.secret_name(n)`).
#
# Names are read as words: split at `_`, `-`, `.` and camelCase (`dbPassword`, `APIKey`),
# lower-cased. A name is a secret's when a word is one of `secret_word` (`DB_PASSWORD`,
# `NPMTOKEN`, `clientSecret`) or `api`+`key` / `private`+`key`, and every word after the last
# such one still names the secret itself (`SECRET_KEY_BASE`, `AWS_SECRET_ACCESS_KEY`,
# `TOKEN_PROD`): a name that goes on to say something about the secret (`PASSWORD_FILE`,
# `SECRET_NAME`, `TOKEN_TTL`, `SECRET_KEY_REF`, `TOKEN_URL`, `PASSWORD_MIN_LENGTH`) is not one.
package paved.lib.secrets

import rego.v1

# `dbPassword` → db_Password, `APIKey` → API_Key, then split into lower-case words.
words(name) := [w | some w in regex.split(`[^a-z0-9]+`, lower(camel(name))); w != ""]

camel(name) := regex.replace(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}"), `([A-Z]+)([A-Z][a-z])`, "${1}_${2}")

# One word that names a secret, also as the end of a compound (`npmtoken`, `dbpassword`) and in
# the plural. Not `pass` (`PASS_THROUGH`, `BYPASS`) and not `pwd` (the shell's directory).
# (String builtins, not regular expressions: regorus compiles a pattern on every call.)
secret_endings := {"password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "secretkey", "credential", "cred"}

secret_word(w) if {
	some e in secret_endings
	endswith(w, e)
}

secret_word(w) if {
	some e in secret_endings
	endswith(trim_suffix(w, "s"), e)
}

# What a name must contain to be worth splitting into words.
secret_fragments := {"pass", "secret", "token", "key", "cred"}

# Words that may follow the secret word and still name the secret: what it is made of, its
# encoding, the environment or instance it is for, a number.
continuations := {
	"key", "access", "value", "base", "raw", "plain", "data", "string", "str", "text", "b64",
	"base64", "hex", "pem", "bytes", "content", "contents", "prod", "production", "dev",
	"development", "stage", "staging", "test", "testing", "qa", "uat", "live", "sandbox",
	"local", "primary", "secondary", "old", "new", "current", "next", "previous", "prev",
	"default", "admin", "root", "user", "master",
}

# Words before a plural secret word that make it a count (`MAX_TOKENS`, `NUM_TOKENS`).
count_words := {"max", "min", "num", "number", "total", "count"}

# The index of each word that names a secret (for `api key`/`private key`, the `key`).
secret_at(ws) := {i |
	some i, w in ws
	secret_word(w)
	not counted(ws, i)
} | {i |
	some i, w in ws
	w in {"key", "keys"}
	i > 0
	ws[i - 1] in {"api", "private"}
}

counted(ws, i) if {
	i > 0
	ws[i - 1] in count_words
}

continues(w) if w in continuations

# A number, or a version (`TOKEN_2`, `SECRET_V1`).
continues(w) if {
	digits := trim_prefix(w, "v")
	digits != ""
	trim(digits, "0123456789") == ""
}

# Whether `name` names a secret.
secret_name(name) if {
	is_string(name)
	lower_name := lower(name)
	some fragment in secret_fragments
	contains(lower_name, fragment)
	ws := words(name)
	at := secret_at(ws)
	count(at) > 0
	last := max(at)
	every j, w in ws {
		names_the_secret(j, last, w)
	}
}

# Word `j` of a name whose last secret word is at `last`: before it, or a continuation.
names_the_secret(j, last, _) if j <= last

names_the_secret(j, last, w) if {
	j > last
	continues(w)
}

# --- values

# Whether `v` is written out literally, as opposed to referring to a value kept elsewhere or
# being no secret at all. References: `${{ ... }}` (GitHub), `$VAR`, `${VAR}`, `$(VAR)`
# (shell, GitLab, Kubernetes dependent variables), and other templating systems' markers left
# in the file (`{{ x }}`, `@X@`, `__X__`, `#{X}#`, `%X%`, `<%= x %>`). Not secrets: empty
# values, switches (`true`, `off`), numbers and durations (`0`, `300`, `30s`), paths
# (`/var/run/secrets/...`, `./token`), URLs without a password, and placeholders that hold no
# secret (`<your-token>`, `xxxx`, `****`, `...`, `dummy`, `TODO`). Default passwords such as `changeme`,
# `password` or `admin` ARE literal secrets: they are what the service will accept.
literal(v) if {
	is_string(v)
	t := trim_space(v)
	t != ""
	not reference(t)
	not switch_or_number(t)
	not path(t)
	not placeholder(t)
	not plain_url(t)
}

reference(t) if contains(t, "${{")

reference(t) if regex.match(`\$[A-Za-z_{(]`, t)

reference(t) if regex.match(`^(\{\{.*\}\}|<%.*%>|@[A-Za-z0-9_.-]+@|__[A-Za-z0-9_]+__|#\{.*\}#?|%[A-Za-z0-9_]+%)$`, t)

switch_or_number(t) if lower(t) in {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null", "nil", "~"}

switch_or_number(t) if regex.match(`^[-+]?[0-9]+(\.[0-9]+)?([a-zA-Z]{1,2})?$`, t)

path(t) if regex.match(`^(/|\./|\.\./|~/)`, t)

placeholder(t) if regex.match(`^<[^<>]*>$`, t)

placeholder(t) if regex.match(`^([xX*.#?_-])+$`, t)

placeholder(t) if regex.match(`(?i)^your[-_ ]|[-_ ]here$`, t)

# Words that say the value is not a real one (a test's `TOKEN: dummy`).
placeholder(t) if lower(t) in {"dummy", "fake", "placeholder", "redacted", "todo", "fixme", "tbd", "unset", "notset", "undefined"}

# A value in capitals that names the secret it stands for (`INSERT_ETCD_DISCOVERY_TOKEN`,
# `GOOGLE_API_KEY_VAL`, `YOUR_API_KEY`); `CHANGE_ME`, like `changeme`, is a working password.
placeholder(t) if {
	regex.match(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`, t)
	count(secret_at(words(t))) > 0
}

# A URL (`scheme://...`) is only a secret when it carries a password (see `dsn_password`).
plain_url(t) if {
	regex.match(`^[a-zA-Z][a-zA-Z0-9+.-]*://`, t)
	not dsn_password(t)
}

# The literal password of a connection string `scheme://user:password@host...` (or the Go
# MySQL driver's `user:password@tcp(host)/db`); undefined when there is none or it is a
# reference or placeholder (`:$PASS@`, `:${DB_PASSWORD}@`, `:<password>@`, `:****@`).
dsn_password(t) := p if {
	is_string(t)
	contains(t, "://")
	contains(t, "@")
	m := regex.find_all_string_submatch_n(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:([^@/\s]+)@[^@\s]`, t, 1)
	count(m) == 1
	p := m[0][1]
	literal_password(p)
}

dsn_password(t) := p if {
	is_string(t)
	some marker in ["@tcp(", "@unix("]
	contains(t, marker)
	m := regex.find_all_string_submatch_n(`^[^:/@\s]+:([^@/\s]+)@(tcp|unix)\(`, t, 1)
	count(m) == 1
	p := m[0][1]
	literal_password(p)
}

literal_password(p) if {
	not reference(p)
	not placeholder(p)
	not contains(p, "$")
	not regex.match(`^(\{\{|\{|%7[bB])`, p)
}

# The scheme a DSN's message names (`postgres://`, or `tcp(` for the MySQL driver's form).
dsn_scheme(t) := s if {
	m := regex.find_all_string_submatch_n(`^([a-zA-Z][a-zA-Z0-9+.-]*)://`, t, 1)
	count(m) == 1
	s := sprintf("%s://", [m[0][1]])
}

dsn_scheme(t) := "user:password@tcp(...)" if not regex.match(`^[a-zA-Z][a-zA-Z0-9+.-]*://`, t)

# A masked description of a secret value for messages: never the value itself.
masked(v) := sprintf("%d characters", [count(v)]) if is_string(v)

masked(v) := "a value" if not is_string(v)

# Why `value` of variable `name` is a literal secret, as a message fragment; undefined when it
# is not one. A connection string with a password is one whatever its name; otherwise the name
# must say secret. In CI files a connection string to the job's own machine (`localhost`,
# `127.0.0.1`, `[::1]`: a service container of the job, a throwaway test database) is not one.
problem(name, value) := sprintf("a connection string (%s) with a literal password (%s)", [dsn_scheme(value), masked(dsn_password(value))]) if {
	is_string(value)
	dsn_password(value)
	not contains(value, "${{")
	not ci_loopback(value)
}

problem(name, value) := sprintf("a literal value (%s)", [masked(trim_space(value))]) if {
	secret_name(name)
	literal(value)
	not dsn_password(value)
}

ci_kinds := {"github-workflow", "github-action", "gitlab-ci"}

ci_loopback(value) if {
	input.kind in ci_kinds
	regex.match(`@(localhost|127\.0\.0\.1|\[::1\])([:/?]|$)`, value)
}

# JSON pointer token for a name (RFC 6901).
pointer_token(s) := replace(replace(s, "~", "~0"), "/", "~1")
