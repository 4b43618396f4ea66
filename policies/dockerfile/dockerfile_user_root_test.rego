package paved.rules.dockerfile_user_root_test

import rego.v1

import data.paved.rules.dockerfile_user_root as rule

df(users) := {"kind": "dockerfile", "dockerfile": {"stages": [
	{"from": {"line": 1, "col": 1}, "last_user": null},
	{"from": {"line": 5, "col": 1}, "last_user": users},
]}}

test_fires_without_user if {
	count(rule.findings) == 1 with input as df(null)
}

test_fires_for_root if {
	every u in ["root", "0"] {
		count(rule.findings) == 1 with input as df({"user": u, "group": null, "line": 7, "col": 1})
	}
}

test_quiet_for_non_root if {
	every u in ["65532", "nonroot", "app"] {
		count(rule.findings) == 0 with input as df({"user": u, "group": null, "line": 7, "col": 1})
	}
}

with_flags(d, flags) := {"kind": "dockerfile", "dockerfile": object.union(d.dockerfile, flags)}

test_quiet_for_test_runners_and_known_nonroot_bases if {
	count(rule.findings) == 0 with input as with_flags(df(null), {"test_runner": true})
	count(rule.findings) == 0 with input as with_flags(df(null), {"final_nonroot_base": true})
	count(rule.findings) == 1 with input as with_flags(df(null), {"final_nonroot_base": false, "test_runner": false})
	# An explicit root USER on a non-root base is still root.
	count(rule.findings) == 1 with input as with_flags(df({"user": "0", "group": null, "line": 7, "col": 1}), {"final_nonroot_base": true})
}
