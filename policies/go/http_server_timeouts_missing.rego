# METADATA
# title: Go HTTP server has no header read timeout
# description: >-
#   Go code serves HTTP with the default server (`http.ListenAndServe`, `http.ListenAndServeTLS`,
#   `http.Serve`, gin's `Run`), or builds an `http.Server` that sets neither `ReadHeaderTimeout`
#   nor `ReadTimeout` (in the literal or by assignment in the same function). Test files are
#   not checked.
# custom:
#   id: http-server-timeouts-missing
#   severity: warning
#   rationale: >-
#     Without a header timeout a client can open connections and send headers one byte at a
#     time for ever (slowloris): each holds a goroutine and a file descriptor until the
#     process runs out. Go's default server sets no timeouts at all. (A zero
#     ReadHeaderTimeout falls back to ReadTimeout, so either one closes the hole.)
#   fix: "Serve with an `http.Server{ReadHeaderTimeout: 5 * time.Second, ...}` (plus ReadTimeout, WriteTimeout, IdleTimeout) instead of `http.ListenAndServe`."
package paved.rules.http_server_timeouts_missing

import rego.v1

findings contains f if {
	input.kind == "go"
	not input.go.is_test
	some i, call in input.go.default_server_calls
	f := {
		"msg": sprintf("%s serves with Go's default server, which has no timeouts (slowloris)", [call.function]),
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
