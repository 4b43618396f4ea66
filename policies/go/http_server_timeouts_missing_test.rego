package paved.rules.http_server_timeouts_missing_test

import rego.v1

import data.paved.rules.http_server_timeouts_missing as rule

go(calls, servers, is_test) := {"kind": "go", "go": {"is_test": is_test, "default_server_calls": calls, "servers": servers}}

test_fires_for_default_server_and_bare_literal if {
	count(rule.findings) == 1 with input as go([{"function": "http.ListenAndServe", "line": 9, "col": 2}], [], false)
	count(rule.findings) == 1 with input as go([], [{"fields": ["Addr", "Handler", "WriteTimeout"], "assigned_later": [], "line": 3, "col": 9}], false)
}

test_quiet_with_timeouts_or_in_tests if {
	count(rule.findings) == 0 with input as go([], [{"fields": ["Addr", "ReadHeaderTimeout"], "assigned_later": [], "line": 3, "col": 9}], false)
	count(rule.findings) == 0 with input as go([], [{"fields": ["Addr"], "assigned_later": ["ReadHeaderTimeout"], "line": 3, "col": 9}], false)
	count(rule.findings) == 0 with input as go([], [{"fields": ["ReadTimeout"], "assigned_later": [], "line": 3, "col": 9}], false)
	count(rule.findings) == 0 with input as go([{"function": "http.ListenAndServe", "line": 9, "col": 2}], [], true)
}
