# METADATA
# title: Workload mounts a service account token it does not use
# description: >-
#   A workload's pod spec does not set `automountServiceAccountToken`, and its ServiceAccount
#   (`serviceAccountName`, else `default`) is defined in the repository without
#   `automountServiceAccountToken: false` (or is the `default` account), and nothing in the
#   repository binds that account to a role (a RoleBinding or ClusterRoleBinding naming it, its
#   namespace's `system:serviceaccounts:NS` group or `system:serviceaccounts`). A workload
#   whose account is bound talks to the API server and needs its token (controllers,
#   operators, metrics-server); one that names an account the repository does not define is
#   set up elsewhere and not judged; `automountServiceAccountToken: true` on the pod is a
#   deliberate choice and not judged either (checkov's CKV_K8S_38 flags it). Helm test hooks
#   are skipped. Points at the pod's first container.
# custom:
#   id: service-account-token-automounted
#   severity: warning
#   rationale: >-
#     Kubernetes mounts a token of the pod's service account at
#     /var/run/secrets/kubernetes.io/serviceaccount into every container unless told not to.
#     An attacker who gets code execution in the container (a deserialisation bug, a
#     compromised dependency, an SSRF that reads files) reads it and talks to the API server
#     with the account's rights: listing Secrets, creating pods, moving through the cluster.
#     Default accounts often gain rights by accident (a binding made for one tool, a broad
#     group binding), so a service that never calls the API server should carry no token.
#   fix: "Set `automountServiceAccountToken: false` on the ServiceAccount the workload uses (or on its pod spec); mount a token only for pods that call the API server."
package paved.rules.service_account_token_automounted

import rego.v1

findings contains f if {
	some u in input.units
	some w in u.objects
	w.pod != null
	not w.pod.test_hook
	w.pod.automount == null
	account := w.pod.service_account
	not token_off(w, account)
	not named_elsewhere(w, account)
	not bound(w, account)
	pos := data.paved.lib.units.at(w, sprintf("%s/containers/0", [w.pod.pointer]))
	f := {
		"msg": sprintf(
			"%s %q mounts the token of service account %q: neither the pod nor the account sets automountServiceAccountToken: false, and nothing in the repository binds the account to a role",
			[w.kind, w.name, account],
		),
		"path": w.path,
		"line": pos.line,
		"col": pos.col,
	}
}

service_accounts := [o | some u in input.units; some o in u.objects; o.kind == "ServiceAccount"]

bindings := [o | some u in input.units; some o in u.objects; o.kind in {"RoleBinding", "ClusterRoleBinding"}]

# The accounts the repository defines, bound and with the token off, as sets of keys built once
# (a rule pairing every workload with every account and binding is quadratic: it timed out on
# ten thousand manifests). A key names a namespace and an account: "NS/NAME", with "*" for
# "any namespace" (what a workload without a namespace matches) and "-" for an object that sets
# none (which matches every workload: the namespace it is applied to).
keys(ns, name) := {sprintf("*/%s", [name]), sprintf("%s/%s", [ns_key(ns), name])}

ns_key(ns) := "-" if ns == null

ns_key(ns) := ns if is_string(ns)

ns_key(ns) := "?" if {
	ns != null
	not is_string(ns)
}

# Whether a key set holds account `name` as workload `w` (namespace or none) sees it.
holds(set, w, name) if {
	w.namespace == null
	sprintf("*/%s", [name]) in set
}

holds(set, w, name) if {
	w.namespace != null
	sprintf("-/%s", [name]) in set
}

holds(set, w, name) if {
	w.namespace != null
	sprintf("%s/%s", [ns_key(w.namespace), name]) in set
}

defined_keys contains k if {
	some sa in service_accounts
	is_string(sa.name)
	some k in keys(sa.namespace, sa.name)
}

token_off_keys contains k if {
	some sa in service_accounts
	is_string(sa.name)
	sa.object.automountServiceAccountToken == false
	some k in keys(sa.namespace, sa.name)
}

# "NS/NAME" of every bound account; "NS/*" for a namespace's group, "*/*" for all accounts.
bound_keys contains k if {
	some b in bindings
	some s in data.paved.lib.units.arr(object.get(b.object, "subjects", []))
	is_object(s)
	some k in subject_keys(b, s)
}

subject_keys(b, s) := keys(object.get(s, "namespace", b.namespace), s.name) if {
	s.kind == "ServiceAccount"
	is_string(s.name)
}

subject_keys(b, s) := {"*/*", "-/*"} if {
	s.kind == "Group"
	s.name == "system:serviceaccounts"
}

subject_keys(b, s) := keys(substring(s.name, count("system:serviceaccounts:"), -1), "*") if {
	s.kind == "Group"
	is_string(s.name)
	startswith(s.name, "system:serviceaccounts:")
}

subject_keys(b, s) := keys(parts[2], parts[3]) if {
	s.kind == "User"
	is_string(s.name)
	parts := split(s.name, ":")
	count(parts) == 4
	parts[0] == "system"
	parts[1] == "serviceaccount"
}

token_off(w, account) if holds(token_off_keys, w, account)

# A named account the repository does not define: it is created (and bound) elsewhere.
named_elsewhere(w, account) if {
	account != "default"
	not holds(defined_keys, w, account)
}

bound(w, account) if holds(bound_keys, w, account)

bound(w, account) if holds(bound_keys, w, "*")
