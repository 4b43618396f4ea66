# Helpers for rules over `input.commands` (the simple shell commands a file runs).
# Call them fully qualified (data.paved.lib.commands.f(...)): regorus does not resolve
# functions through import aliases.
package paved.lib.commands

import rego.v1

# The value of environment variable `name` where command `c` runs: an assignment on the
# command itself wins over the surrounding environment; null when unset.
env(c, name) := object.get(c.env, name, object.get(c.inherited_env, name, null))

# Whether argv[0] is the go tool (`go`, `/usr/local/go/bin/go`, `$(GO)` expanded to go).
is_go(argv) if argv[0] == "go"

is_go(argv) if endswith(argv[0], "/go")

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
