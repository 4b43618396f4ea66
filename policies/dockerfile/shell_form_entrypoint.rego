# METADATA
# title: The container's main process is a shell that does not forward SIGTERM
# description: >-
#   The final stage's effective ENTRYPOINT or CMD (its own, else the one it inherits through
#   `FROM <earlier stage>`; a stage's ENTRYPOINT resets the CMD it inherits, as Docker does) is
#   in shell form (`CMD ./server --port 8080`, which Docker runs as `/bin/sh -c "..."`), or an
#   exec-form shell script (`["sh", "-c", "./server"]`, any `-c` flags), and the script does not
#   `exec` the program (`CMD exec ./server`, `["sh", "-c", "migrate && exec ./server"]` are
#   quiet). With an exec-form ENTRYPOINT that is not a shell script (`["/server"]`,
#   `["tini", "--"]`, `["/entrypoint.sh"]`), a shell-form CMD is only its arguments and nothing
#   fires. Not for test-runner images (the final stage runs `go test`), for a final stage with
#   no ENTRYPOINT or CMD of its own or inherited from a stage of the file (the base image's
#   applies, which paved cannot see), for a CMD that only starts an interactive shell (`CMD
#   bash`), for an exec-form `["sh", "-c"]` ENTRYPOINT that takes its script from CMD, or under
#   a `SHELL` that is not a POSIX shell (PowerShell, cmd). On an image without a shell (scratch,
#   distroless, Chainguard static) the message says the container cannot start at all. Points
#   at the instruction.
# custom:
#   id: shell-form-entrypoint
#   severity: error
#   rationale: >-
#     Kubernetes stops a pod by sending SIGTERM to PID 1 of each container, then SIGKILL when
#     the grace period ends. In shell form PID 1 is `/bin/sh -c`, and a shell running a script
#     neither forwards SIGTERM to its child nor exits on it: the service never learns it is
#     being stopped, keeps accepting requests until it is killed mid-request, and in-flight
#     work, open transactions and buffered logs are lost on every deploy, scale-down and node
#     drain. Whether a shell happens to replace itself with a script's last command differs
#     between bash, dash and busybox and between their versions, and stops as soon as the
#     script grows a second line, so it is no guarantee. `docker stop` waits its 10 s for the
#     same reason.
#   fix: >-
#     Use the exec form, `ENTRYPOINT ["/server"]` with arguments in `CMD ["--port", "8080"]`;
#     when a shell is needed for setup or variable expansion, end the script with `exec`
#     (`["sh", "-c", "envsubst < t > c && exec /server"]`) or use an exec-form entrypoint script
#     that ends with `exec "$@"`; an init (`ENTRYPOINT ["tini", "--"]`) also forwards signals.
#   examples:
#     bad: "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY server /server\nCMD /server --port 8080"
#     good: "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY server /server\nENTRYPOINT [\"/server\"]\nCMD [\"--port\", \"8080\"]"
package paved.rules.shell_form_entrypoint

import rego.v1

shells := {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"}

stages := input.dockerfile.stages

last := count(stages) - 1

base(p) := b if {
	parts := split(p, "/")
	b := parts[count(parts) - 1]
}

# The stage a stage is built FROM (null for an image or scratch). Unrolled, not recursive.
next(i) := stages[i].from.base_stage if is_number(i)

next(i) := null if not is_number(i)

s1 := next(last)

s2 := next(s1)

s3 := next(s2)

s4 := next(s3)

s5 := next(s4)

# The final stage and the stages it inherits from, nearest first.
chain := [s | some s in [last, s1, s2, s3, s4, s5]; is_number(s)]

has(s, kw) if {
	some ins in stages[s].instructions
	ins.keyword == kw
}

last_of(s, kw) := max([k | some k, ins in stages[s].instructions; ins.keyword == kw])

# The effective ENTRYPOINT: the nearest stage's own.
ep_depth := min(ds) if {
	ds := [d | some d, s in chain; has(s, "ENTRYPOINT")]
	count(ds) > 0
}

entrypoint := {"stage": s, "index": k} if {
	s := chain[ep_depth]
	k := last_of(s, "ENTRYPOINT")
}

# The effective CMD: the nearest stage with a CMD or an ENTRYPOINT decides (an ENTRYPOINT
# without a CMD in the same stage resets the inherited CMD).
decider := min(ds) if {
	ds := [d | some d, s in chain; some kw in ["CMD", "ENTRYPOINT"]; has(s, kw)]
	count(ds) > 0
}

cmd := {"stage": s, "index": k} if {
	s := chain[decider]
	has(s, "CMD")
	k := last_of(s, "CMD")
}

instruction(p) := stages[p.stage].instructions[p.index]

# An exec-form shell with a script: `["sh", "-c", SCRIPT, ...]`, `["/bin/bash", "-ec", SCRIPT]`.
exec_shell_script(ins) if {
	count(ins.exec) >= 3
	base(ins.exec[0]) in shells
	regex.match(`^-[a-zA-Z]*c[a-zA-Z]*$`, ins.exec[1])
}

# The script replaces the shell with the program: a command written `exec PROGRAM ...`
# (`exec 2>&1` alone, which only redirects, keeps the shell).
execs(ins) if {
	some c in ins.commands
	regex.match(`^exec\s`, c.text)
	c.argv[0] != "exec"
}

# A CMD that only starts a shell (`CMD bash`, `CMD /bin/sh -l`): an interactive image.
interactive_shell(ins) if {
	count(ins.commands) == 1
	argv := ins.commands[0].argv
	base(argv[0]) in shells
	count([a | some a in argv; not startswith(a, "-")]) == 1
}

# A SHELL that is not a POSIX shell (Windows images): shell form runs under it.
foreign_shell if {
	some s in chain
	some ins in stages[s].instructions
	ins.keyword == "SHELL"
	is_array(ins.exec)
	count(ins.exec) > 0
	not base(ins.exec[0]) in shells
}

# Whether the instruction at p makes a shell PID 1, and how to say so.
shell_pid1(ins) := "shell form" if {
	ins.exec == null
	not execs(ins)
}

shell_pid1(ins) := sprintf("exec form, but runs `%s -c`", [base(ins.exec[0])]) if {
	is_array(ins.exec)
	exec_shell_script(ins)
	not execs(ins)
}

# The program the script runs last (the service, after any setup), for the message.
program(ins) := base(ins.commands[count(ins.commands) - 1].argv[0]) if count(ins.commands) > 0

program(ins) := "the program" if count(ins.commands) == 0

where(p) := "" if p.stage == last

where(p) := sprintf(" (inherited from stage %s)", [stage_name(p.stage)]) if p.stage != last

stage_name(s) := sprintf("`%s`", [stages[s].name]) if is_string(stages[s].name)

stage_name(s) := sprintf("%d", [s]) if not is_string(stages[s].name)

runtime if {
	input.kind == "dockerfile"
	not input.dockerfile.test_runner
	not foreign_shell
}

# The image the final stage is ultimately built FROM has no shell at all: scratch, distroless
# other than its `:debug` tags, Chainguard's static image.
root_from := stages[chain[count(chain) - 1]].from

no_shell if root_from.scratch == true

no_shell if {
	r := root_from.reference
	r.registry == "gcr.io"
	startswith(r.repository, "distroless/")
	not debug_tag(r)
}

debug_tag(r) if {
	is_string(r.tag)
	contains(r.tag, "debug")
}

no_shell if {
	r := root_from.reference
	r.registry == "cgr.dev"
	r.repository == "chainguard/static"
}

consequence(ins) := sprintf("PID 1 is the shell, which does not pass SIGTERM on to `%s`, so it never shuts down gracefully (use the exec form, or `exec` the program)", [program(ins)]) if not no_shell

consequence(ins) := "the image has no shell to run it, so the container cannot even start (use the exec form)" if no_shell

finding(p, kw) := {
	"msg": sprintf("the final stage's %s%s is in %s: %s", [kw, where(p), shell_pid1(ins), consequence(ins)]),
	"pointer": sprintf("/dockerfile/stages/%d/instructions/%d", [p.stage, p.index]),
} if {
	ins := instruction(p)
	shell_pid1(ins)
}

# The ENTRYPOINT runs a shell (CMD, if any, is only its arguments).
findings contains f if {
	runtime
	p := entrypoint
	f := finding(p, "ENTRYPOINT")
}

# No ENTRYPOINT: the CMD is the process.
findings contains f if {
	runtime
	not entrypoint
	p := cmd
	not interactive_shell(instruction(p))
	f := finding(p, "CMD")
}
