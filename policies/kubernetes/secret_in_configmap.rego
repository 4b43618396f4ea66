# METADATA
# title: A ConfigMap holds a secret
# description: >-
#   A ConfigMap `data` or `binaryData` key whose name says secret (the same words as
#   secret-in-plain-env: `DB_PASSWORD`, `api-key`, `clientSecret`, `token`; not `..._FILE`,
#   `_NAME`, `_URL`, `_TTL` and the like) holds a non-empty value that is not a reference,
#   switch, number, path or placeholder, or any `data` key holds a connection string with a
#   literal password. Keys that name files (`config.yaml`, `app.properties`) are judged by
#   their name only, never by their content. Manifests, rendered Helm charts and Kustomize
#   builds (generated ConfigMaps included). Points at the value; the message gives its length,
#   never the value.
# custom:
#   id: secret-in-configmap
#   severity: error
#   rationale: >-
#     ConfigMaps are not meant for secrets: they are readable by every role that may read
#     configuration (many namespaces grant `get configmaps` broadly, and operators, dashboards
#     and monitoring agents do), are never encrypted at rest by the API server's Secret
#     encryption, and are printed by `kubectl describe`. A Secret can be restricted by RBAC,
#     encrypted at rest, mounted in memory only and rotated; and the value in the repository has
#     to be rotated anyway.
#   fix: >-
#     Move the key into a Secret (or an external-secrets / sealed-secrets object, or a Helm value
#     the chart renders into a Secret) and mount it with `secretKeyRef` or a `secret` volume;
#     rotate the value that was committed.
#   examples:
#     bad: "kind: ConfigMap\ndata:\n  DB_PASSWORD: s3cr3t-Passw0rd"
#     good: "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}"
package paved.rules.secret_in_configmap

import rego.v1

findings contains f if {
	some i, o in input.objects
	obj := o.object
	object.get(obj, "kind", "") == "ConfigMap"
	some field in ["data", "binaryData"]
	entries := object.get(obj, field, {})
	is_object(entries)
	some key, value in entries
	problem := problem(field, key, value)
	f := {
		"msg": sprintf("ConfigMap %q key %s holds %s: keep it in a Secret", [object.get(object.get(obj, "metadata", {}), "name", "?"), key, problem]),
		"pointer": sprintf("/objects/%d/object/%s/%s", [i, field, data.paved.lib.secrets.pointer_token(key)]),
	}
}

problem(field, key, value) := data.paved.lib.secrets.problem(key, value) if field == "data"

# binaryData is base64 of anything: only its name can say secret.
problem(field, key, value) := sprintf("a value (%s of base64)", [data.paved.lib.secrets.masked(value)]) if {
	field == "binaryData"
	data.paved.lib.secrets.secret_name(key)
	is_string(value)
	trim_space(value) != ""
}
