# METADATA
# title: Go shutdown timeout does not fit the pod's grace period
# description: >-
#   The shutdown budget of the Go binary a container runs reaches or exceeds the pod's
#   `terminationGracePeriodSeconds` (30 when unset). The budget is the longest statically known
#   timeout of a graceful shutdown in the binary (the context passed to `Server.Shutdown`,
#   echo's `Shutdown` or fiber's `ShutdownWithContext`, fiber's `ShutdownWithTimeout`:
#   `context.WithTimeout(context.Background(), 30*time.Second)`, a constant, a variable or a
#   flag's default, from a parent context known to be live: `context.Background()`, `TODO()`,
#   `WithoutCancel(ctx)` or one made from them)
#   plus the container's `lifecycle.preStop` sleep (`sleep.seconds`, `exec: [sleep, N]`,
#   `sh -c "sleep N"`). Silent when no timeout is known, and for a flag's default when the
#   container's command or arguments name the flag or an env var named after it is set.
#   Containers of long-running workloads only (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController). Points at the pod's `terminationGracePeriodSeconds`, else at the
#   container.
# custom:
#   id: shutdown-exceeds-grace-period
#   severity: warning
#   rationale: >-
#     The kubelet runs the preStop hook, sends SIGTERM, and SIGKILLs the container when the
#     grace period is over, whatever it is doing. A drain that may take as long as the grace
#     period, or longer, is cut short exactly when it matters (slow requests during a rollout):
#     connections are reset and the shutdown's own cleanup (flushing logs, traces, queues)
#     never runs.
#   fix: "Keep preStop sleep + shutdown timeout a few seconds below terminationGracePeriodSeconds: shorten the `context.WithTimeout` of `srv.Shutdown`, or raise `terminationGracePeriodSeconds` in the pod spec."
package paved.rules.shutdown_exceeds_grace_period

import rego.v1

grace(c) := c.termination_grace_period if is_number(object.get(c, "termination_grace_period", null))

grace(c) := 30 if object.get(c, "termination_grace_period", null) == null

grace_source(c) := "terminationGracePeriodSeconds" if is_number(object.get(c, "termination_grace_period", null))

grace_source(c) := "the default terminationGracePeriodSeconds" if object.get(c, "termination_grace_period", null) == null

pre_stop(c) := c.pre_stop_sleep if is_number(object.get(c, "pre_stop_sleep", null))

pre_stop(c) := 0 if not is_number(object.get(c, "pre_stop_sleep", null))

arr(x) := x if is_array(x)

arr(x) := [] if not is_array(x)

# A flag's default does not hold when the container sets the flag, or an env var named after it.
overridden(c, s) if {
	is_string(s.flag)
	some a in array.concat(arr(object.get(c, "command", [])), arr(object.get(c, "args", [])))
	is_string(a)
	contains(a, s.flag)
}

overridden(c, s) if {
	is_string(s.flag)
	env_name := upper(replace(replace(s.flag, "-", "_"), ".", "_"))
	some e in arr(object.get(c, "env", []))
	is_string(e)
	endswith(upper(e), env_name)
}

known(c) := [s |
	some s in object.get(c.go, "shutdowns", [])
	is_number(s.timeout_ms)
	not overridden(c, s)
]

with_pre_stop(c, budget) := sprintf(" plus a %vs preStop sleep (%vs in all)", [pre_stop(c), budget]) if pre_stop(c) > 0

with_pre_stop(c, _) := "" if pre_stop(c) == 0

# Pods that are stopped with SIGTERM on every rollout and scale-down (a Job's run of the
# binary, with its own arguments, may well not serve).
long_running(c) if {
	is_string(c.workload)
	split(c.workload, " ")[0] in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}
}

findings contains f if {
	some c in input.containers
	c.runs_go
	long_running(c)
	object.get(c, "init", false) != true
	object.get(c, "test_hook", false) != true
	is_object(c.go)
	shutdowns := known(c)
	count(shutdowns) > 0
	longest := max({s.timeout_ms | some s in shutdowns})
	s := sort([[x.file, x.line, x.col, x.function] | some x in shutdowns; x.timeout_ms == longest])[0]
	g := grace(c)
	budget := (longest / 1000) + pre_stop(c)
	budget >= g
	f := {
		"msg": sprintf(
			"container %q runs the Go binary built from %s, whose %s at %s:%d may take %vs%s: that reaches %s of %v, so the kubelet SIGKILLs it mid-drain",
			[c.name, c.go.dir, s[3], s[0], s[1], longest / 1000, with_pre_stop(c, budget), grace_source(c), g],
		),
		"path": c.path,
		"line": c.grace_line,
		"col": c.grace_col,
	}
}
