package paved.rules.secret_in_configmap_test

import rego.v1

import data.paved.rules.secret_in_configmap as rule

cm(data, binary) := {"objects": [
	{"object": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"PASSWORD": "x1"}}},
	{"object": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}, "data": data, "binaryData": binary}},
]}

test_secret_keys_fire_at_their_value if {
	fs := rule.findings with input as cm(
		{"DB_PASSWORD": "s3cr3t", "LOG_LEVEL": "debug", "api-key": "k-123", "DATABASE_URL": "postgres://app:hunter22@db/x"},
		{"privateKey": "LS0tLS1CRUdJTg=="},
	)
	{f.pointer | some f in fs} == {
		"/objects/1/object/data/DB_PASSWORD",
		"/objects/1/object/data/api-key",
		"/objects/1/object/data/DATABASE_URL",
		"/objects/1/object/binaryData/privateKey",
	}
	some f in fs
	f.msg == `ConfigMap "app" key DB_PASSWORD holds a literal value (6 characters): keep it in a Secret`
	every f in fs {
		not contains(f.msg, "s3cr3t")
		not contains(f.msg, "hunter22")
		not contains(f.msg, "LS0t")
	}
}

test_files_metadata_and_empty_values_are_quiet if {
	count(rule.findings) == 0 with input as cm(
		{
			"config.yaml": "password: s3cr3t\n", "credentials.json": "{}", "SECRET_NAME": "app-secrets",
			"TOKEN_TTL": "1h30m", "PASSWORD_FILE": "/etc/app/password", "DB_PASSWORD": "",
			"TOKEN_REFRESH_ENABLED": "true", "API_KEY": "<your-api-key>",
		},
		{"logo.png": "iVBORw0KGgo=", "TOKEN": ""},
	)
}

test_malformed_objects_are_quiet if {
	count(rule.findings) == 0 with input as cm("not a map", ["x"])
	count(rule.findings) == 0 with input as {"objects": [{"object": {"kind": "ConfigMap", "data": {"TOKEN": 5}}}]}
}
