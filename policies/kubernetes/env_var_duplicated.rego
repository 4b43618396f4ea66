# METADATA
# title: Container defines an environment variable twice
# description: >-
#   A container's `env` lists the same name more than once; the later entry silently wins.
# custom:
#   id: env-var-duplicated
#   severity: warning
#   rationale: >-
#     Only the last value of a duplicated name reaches the process, and `kubectl apply`'s merge
#     can keep either one depending on history: a reader sees a setting that does not apply, and
#     a patch that changes the first one changes nothing.
#   fix: "Keep one entry per name (the one that should apply)."
package paved.rules.env_var_duplicated

import rego.v1

findings contains f if {
	some w in input.workloads
	some c in w.containers
	env := object.get(c.container, "env", [])
	is_array(env)
	some j, e in env
	name := object.get(e, "name", null)
	is_string(name)
	some i, earlier in env
	i < j
	object.get(earlier, "name", null) == name
	not earlier_duplicate(env, i, name)
	f := {
		"msg": sprintf("%s defines env %s twice (entries %d and %d): the later wins", [data.paved.lib.k8s.describe(w, c), name, i + 1, j + 1]),
		"pointer": sprintf("%s/env/%d/name", [c.pointer, j]),
	}
}

# `i` is the first entry with `name` (each later duplicate is reported once, against it).
earlier_duplicate(env, i, name) if {
	some k, e in env
	k < i
	object.get(e, "name", null) == name
}
