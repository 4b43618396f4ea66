# METADATA
# title: Go HTTP service never handles SIGTERM
# description: >-
#   The Go binary a container runs (the main package its image's `go build`, or ko, builds, and
#   the repository packages it imports) serves HTTP (`http.ListenAndServe`, an `http.Server`'s
#   `ListenAndServe`/`Serve`, gin's `Run`, echo's `Start`, fiber's `Listen`) and nothing in it
#   subscribes to SIGTERM: no `signal.Notify`/`signal.NotifyContext` whose signals include
#   `syscall.SIGTERM` (or `unix.SIGTERM`, or no signal at all: every one; a `signal.Ignore` of
#   SIGTERM is a decision too), no known framework's
#   signal handler (controller-runtime's and k8s.io/apiserver's `SetupSignalHandler`,
#   oklog/run's `SignalHandler`, knative's), and no framework that handles it itself (fx,
#   go-zero, kratos, go-micro, hertz, graceful-restart servers, and any package from outside
#   the repository whose path says signal, graceful or shutdown). `os.Interrupt` is SIGINT, not
#   SIGTERM. Silent when the image is not linked to its build, when the container's `command:`
#   runs another program, when a signal list is not a constant (`signal.Notify(c, sigs...)`),
#   when a repository package the binary imports has no Go code paved linted (excluded),
#   and when the Dockerfile's `STOPSIGNAL` or the container's `lifecycle.stopSignal` names
#   another signal. Only containers of long-running workloads (Deployment, StatefulSet,
#   DaemonSet, ReplicaSet, ReplicationController) count. Points at the serve call in the Go code.
# custom:
#   id: sigterm-not-handled
#   severity: warning
#   rationale: >-
#     Kubernetes stops a pod with SIGTERM, then SIGKILL after the grace period. A Go program
#     that does not catch SIGTERM dies at once with the default action: in-flight requests are
#     cut, keep-alive clients get connection resets, and every rollout or scale-down shows up
#     as errors. Catching only os.Interrupt (Ctrl-C) looks graceful on a laptop and is not in
#     a cluster.
#   fix: "Stop on SIGTERM: `ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)`, then on `<-ctx.Done()` call `srv.Shutdown` with a timeout shorter than the pod's terminationGracePeriodSeconds."
package paved.rules.sigterm_not_handled

import rego.v1

handles_sigterm(go) if {
	some s in object.get(go, "signals", [])
	s.sigterm != false
}

handles_sigterm(go) if count(object.get(go, "signal_frameworks", [])) > 0

is_sigterm(sig) if trim_prefix(upper(trim_space(sig)), "SIG") in {"TERM", "15"}

# The container is stopped with another signal than SIGTERM.
stopped_otherwise(c) if {
	sig := object.get(c, "stop_signal", null)
	is_string(sig)
	not is_sigterm(sig)
}

stopped_otherwise(c) if {
	object.get(c, "stop_signal", null) == null
	sig := input.dockerfiles[c.dockerfile].stop_signal
	is_string(sig)
	not is_sigterm(sig)
}

# What the binary does subscribe to, for the message.
others(go) := concat("", [
	"; it subscribes to other signals only (",
	concat(", ", sort({sprintf("%s at %s:%d", [s.function, s.file, s.line]) | some s in go.signals})),
	")",
]) if count(object.get(go, "signals", [])) > 0

others(go) := "" if count(object.get(go, "signals", [])) == 0

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
	go := c.go
	is_string(object.get(go, "dir", null))
	count(object.get(go, "missing_packages", [])) == 0
	not handles_sigterm(go)
	not stopped_otherwise(c)
	some s in object.get(go, "serves", [])
	f := {
		"msg": sprintf(
			"%s serves HTTP in the Go binary built from %s, which never subscribes to SIGTERM%s: Kubernetes stops pods with SIGTERM, so every rollout kills it mid-request",
			[s.function, go.dir, others(go)],
		),
		"path": s.file,
		"line": s.line,
		"col": s.col,
	}
}
