# METADATA
# title: Go HTTP server has no header read timeout
# description: >-
#   Go code serves HTTP with the default server (`http.ListenAndServe`, `http.ListenAndServeTLS`,
#   `http.Serve`, gin's `Run`), starts echo (v3/v4: `e.Start`, `e.StartTLS`, `e.StartAutoTLS`,
#   `e.StartH2CServer`) without setting `ReadHeaderTimeout` or `ReadTimeout` on the
#   `e.Server` (`e.TLSServer` for TLS) it serves with, or builds an `http.Server` that sets
#   neither (in the literal or by assignment in the same function). Test files are not checked.
# custom:
#   id: http-server-timeouts-missing
#   severity: warning
#   rationale: >-
#     Without a header timeout a client can open connections and send headers one byte at a
#     time for ever (slowloris): each holds a goroutine and a file descriptor until the
#     process runs out. Go's default server sets no timeouts at all. (A zero
#     ReadHeaderTimeout falls back to ReadTimeout, so either one closes the hole.)
#   fix: "Serve with an `http.Server{ReadHeaderTimeout: 5 * time.Second, ...}` (plus ReadTimeout, WriteTimeout, IdleTimeout) instead of `http.ListenAndServe` or gin's `Run`; with echo, set those fields on `e.Server` (`e.TLSServer` for StartTLS and StartAutoTLS) before starting it."
package paved.rules.http_server_timeouts_missing

import rego.v1

# The server each echo start serves with: the instance's own, created without timeouts.
echo_servers := {
	"echo.Start": "Server",
	"echo.StartH2CServer": "Server",
	"echo.StartTLS": "TLSServer",
	"echo.StartAutoTLS": "TLSServer",
}

findings contains f if {
	input.kind == "go"
	not input.go.is_test
	some i, call in input.go.default_server_calls
	not echo_servers[call.function]
	f := {
		"msg": sprintf("%s serves with Go's default server, which has no timeouts (slowloris)", [call.function]),
		"pointer": sprintf("/go/default_server_calls/%d", [i]),
	}
}

findings contains f if {
	input.kind == "go"
	not input.go.is_test
	some i, call in input.go.default_server_calls
	server := echo_servers[call.function]
	method := trim_prefix(call.function, "echo.")
	f := {
		"msg": sprintf("echo's %s serves with e.%s, an http.Server with no timeouts (slowloris): set e.%s.ReadHeaderTimeout before calling %s", [method, server, server, method]),
		"pointer": sprintf("/go/default_server_calls/%d", [i]),
	}
}

findings contains f if {
	input.kind == "go"
	not input.go.is_test
	some i, srv in input.go.servers
	set := {x | some x in array.concat(srv.fields, srv.assigned_later)}
	not "ReadHeaderTimeout" in set
	not "ReadTimeout" in set
	f := {
		"msg": "http.Server sets no ReadHeaderTimeout (nor ReadTimeout): clients can hold connections open for ever (slowloris)",
		"pointer": sprintf("/go/servers/%d", [i]),
	}
}
