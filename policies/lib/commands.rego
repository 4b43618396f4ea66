# Helpers for rules over `input.commands` (the simple shell commands a file runs).
# Call them fully qualified (data.paved.lib.commands.f(...)): regorus does not resolve
# functions through import aliases.
package paved.lib.commands

import rego.v1

# The value of environment variable `name` where command `c` runs: an assignment on the
# command itself wins over the surrounding environment; null when unset.
env(c, name) := object.get(c.env, name, object.get(c.inherited_env, name, null))

# Whether argv[0] is the go tool (`go`, `/usr/local/go/bin/go`, `$(GO)` expanded to go, `xx-go`).
is_go(argv) if argv[0] == "go"

is_go(argv) if endswith(argv[0], "/go")

# tonistiigi/xx's cross-compiling wrapper (`xx-go build`), common in multi-arch Dockerfiles.
is_go(argv) if argv[0] == "xx-go"

# The go subcommand argv runs (`build`, `test`, ...), skipping go's own flags before it.
go_subcommand(argv) := argv[min(words)] if {
	is_go(argv)
	words := [i | some i, a in argv; i > 0; not startswith(a, "-"); not _is_go_flag_value(argv, i)]
	count(words) > 0
}

# `go -C dir test`: dir is the value of -C, not a subcommand.
_is_go_flag_value(argv, i) if {
	i > 1
	argv[i - 1] == "-C"
}

# The arguments of the `go test` that argv runs: go's own for `go test ...`, or what gotestsum
# passes to go test after `--` (`gotestsum --format testname -- -timeout 60s ./...`, also run
# as `go tool gotestsum` or `go run gotest.tools/gotestsum@VERSION`); empty when gotestsum is
# given no `--` (it then runs `go test ./...`).
go_test_args(argv) := argv if go_subcommand(argv) == "test"

# Whether argv runs `go test` (directly or through gotestsum). Rules test this before calling
# go_test_args, so a command that runs no test never reaches it.
runs_go_test(argv) if go_subcommand(argv) == "test"

runs_go_test(argv) if is_gotestsum(argv)

go_test_args(argv) := array.slice(argv, i + 1, count(argv)) if {
	is_gotestsum(argv)
	_has_dashdash(argv)
	i := min({j | some j, a in argv; a == "--"})
}

go_test_args(argv) := [] if {
	is_gotestsum(argv)
	not _has_dashdash(argv)
}

_has_dashdash(argv) if {
	some a in argv
	a == "--"
}

is_gotestsum(argv) if argv[0] == "gotestsum"

is_gotestsum(argv) if endswith(argv[0], "/gotestsum")

is_gotestsum(argv) if {
	go_subcommand(argv) == "tool"
	some a in argv
	a == "gotestsum"
}

is_gotestsum(argv) if {
	go_subcommand(argv) == "run"
	some a in argv
	startswith(a, "gotest.tools/gotestsum")
}
