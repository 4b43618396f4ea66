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

test_echo_starts_name_the_server_to_configure if {
	fs := rule.findings with input as go([{"function": "echo.Start", "line": 7, "col": 4}, {"function": "echo.StartAutoTLS", "line": 8, "col": 4}], [], false)
	msgs := {f.msg | some f in fs}
	msgs == {
		"echo's Start serves with e.Server, an http.Server with no timeouts (slowloris): set e.Server.ReadHeaderTimeout before calling Start",
		"echo's StartAutoTLS serves with e.TLSServer, an http.Server with no timeouts (slowloris): set e.TLSServer.ReadHeaderTimeout before calling StartAutoTLS",
	}
	count(rule.findings) == 0 with input as go([{"function": "echo.Start", "line": 7, "col": 4}], [], true)
}

test_gin_run_keeps_the_default_server_message if {
	fs := rule.findings with input as go([{"function": "gin.Run", "line": 7, "col": 4}], [], false)
	{f.msg | some f in fs} == {"gin.Run serves with Go's default server, which has no timeouts (slowloris)"}
}
