package paved.lib.secrets_test

import rego.v1

import data.paved.lib.secrets

# Names that hold a secret.
secret_names := [
	"PASSWORD", "DB_PASSWORD", "db_password", "dbPassword", "DBPASSWORD", "POSTGRES_PASSWD",
	"GPG_PASSPHRASE", "SECRET", "CLIENT_SECRET", "clientSecret", "JWT_SECRET", "SECRET_KEY",
	"SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "NPMTOKEN", "npm-token",
	"authToken", "OAuth2Token", "REFRESH_TOKEN", "API_KEY", "APIKEY", "apiKey", "APIKey",
	"STRIPE_API_KEY", "api-key", "api.key", "PRIVATE_KEY", "privateKey", "SSH_PRIVATE_KEY",
	"GOOGLE_CREDENTIALS", "REGISTRY_CREDS", "DB_PASSWORD_PROD", "TOKEN_2", "ADMIN_PASSWORD",
	"PASSWORD_ADMIN", "SECRETS", "TOKENS",
]

# Names that say something about a secret, or nothing about one.
other_names := [
	"TOKEN_TTL", "SECRET_NAME", "PASSWORD_FILE", "DB_SECRET_REF", "TOKEN_URL", "SECRET_KEY_REF",
	"PASSWORD_MIN_LENGTH", "TOKEN_ENDPOINT", "SECRETS_DIR", "SECRET_PATH", "API_KEY_ID",
	"API_KEY_HEADER", "TOKEN_EXPIRY", "PASSWORD_HASH", "SECRET_MOUNT_PATH", "GOOGLE_APPLICATION_CREDENTIALS_FILE",
	"MAX_TOKENS", "OPENAI_MAX_TOKENS", "PWD", "PASS_THROUGH", "BYPASS", "KEY", "SIGNING_KEY_ID",
	"TOKENIZER", "TOKENIZER_PATH", "PASSWORDLESS", "SECRETARY", "HOME", "GOFLAGS",
	"config.yaml", "secrets.yaml", "credentials.json", "SECRET_STORE_TYPE", "USE_TOKEN_AUTH",
	"", "AUTH_TOKEN_SECRET_NAME",
]

test_secret_names if {
	missed := [n | some n in secret_names; not secrets.secret_name(n)]
	missed == []
}

test_other_names if {
	flagged := [n | some n in other_names; secrets.secret_name(n)]
	flagged == []
}

test_words_split_at_separators_and_camel_case if {
	secrets.words("dbPassword") == ["db", "password"]
	secrets.words("APIKey") == ["api", "key"]
	secrets.words("AWS_SECRET-access.KEY") == ["aws", "secret", "access", "key"]
	secrets.words("S3Token") == ["s3", "token"]
}

literal_values := ["s3cr3t", "changeme", "CHANGE_ME", "yourpassword", "SOME_VALUE", "password", "admin", "hunter 2", "ghp_abcdefABCDEF0123456789", "eyJhbGciOi.x.y", "0xdeadbeef"]

not_literal_values := [
	"", "  ", "${{ secrets.TOKEN }}", "${{ steps.app.outputs.token }}", "$TOKEN", "${TOKEN}",
	"$(DB_PASSWORD)", "Bearer ${TOKEN}", "$CI_JOB_TOKEN", "{{ vault_password }}", "@PASSWORD@",
	"__TOKEN__", "#{Token}#", "%TOKEN%", "<%= ENV['X'] %>", "true", "False", "off", "0", "300",
	"30s", "1.5", "/var/run/secrets/kubernetes.io/serviceaccount/token", "./token", "~/.netrc",
	"<your-token>", "your-api-key", "paste-token-here", "INSERT_ETCD_DISCOVERY_TOKEN", "GOOGLE_API_KEY_VAL", "dummy", "TODO", "Placeholder", "xxxx", "XXXXXXXX", "****", "...", "https://vault.example.com/v1/token",
	1234, true, null, {"a": 1},
]

test_literal_values if {
	missed := [v | some v in literal_values; not secrets.literal(v)]
	missed == []
}

test_not_literal_values if {
	flagged := [v | some v in not_literal_values; secrets.literal(v)]
	flagged == []
}

dsns := {
	"postgres://app:s3cr3t@db:5432/shop": "s3cr3t",
	"mongodb+srv://u:p%40ss@cluster0.example.net/x": "p%40ss",
	"amqp://guest:guest@rabbitmq:5672/": "guest",
	"root:pw@tcp(mysql:3306)/app": "pw",
}

not_dsns := [
	"postgres://app@db:5432/shop", "postgres://app:@db/shop", "postgres://app:$PASS@db/shop",
	"postgres://app:${DB_PASSWORD}@db/shop", "postgres://app:<password>@db/shop",
	"postgres://app:****@db/shop", "https://example.com/a:b@c", "redis://redis:6379",
	"postgres://{{ .user }}:{{ .password }}@db/x", "user@example.com",
]

test_dsn_passwords if {
	wrong := [t | some t, p in dsns; not dsn_is(t, p)]
	wrong == []
}

dsn_is(t, p) if secrets.dsn_password(t) == p

test_not_dsns if {
	flagged := [t | some t in not_dsns; secrets.dsn_password(t)]
	flagged == []
}

test_problem_never_shows_the_value if {
	p := secrets.problem("DB_PASSWORD", "s3cr3t")
	p == "a literal value (6 characters)"
	not contains(p, "s3cr3t")
	d := secrets.problem("DATABASE_URL", "postgres://app:hunter22@db/x")
	d == "a connection string (postgres://) with a literal password (8 characters)"
	not contains(d, "hunter22")
}

test_problem_needs_a_secret_name_unless_a_dsn if {
	not secrets.problem("LOG_LEVEL", "debug")
	not secrets.problem("TOKEN_TTL", "1h30m")
	not secrets.problem("DB_PASSWORD", "${{ secrets.DB }}")
	secrets.problem("DSN", "root:pw@tcp(mysql:3306)/app")
	not secrets.problem("persist-credentials", "false")
}

test_ci_test_databases_on_the_job_machine_are_not_secrets if {
	local := "postgres://postgres:postgres@localhost:5432/test?sslmode=disable"
	not secrets.problem("DATABASE_URL", local) with input as {"kind": "github-workflow"}
	not secrets.problem("DATABASE_URL", "mysql://root:pw@127.0.0.1/x") with input as {"kind": "gitlab-ci"}
	secrets.problem("DATABASE_URL", local) with input as {"kind": "kubernetes"}
	secrets.problem("DATABASE_URL", "postgres://app:pw@db.internal/x") with input as {"kind": "github-workflow"}
}

test_pointer_tokens if {
	secrets.pointer_token("a/b~c") == "a~1b~0c"
}
