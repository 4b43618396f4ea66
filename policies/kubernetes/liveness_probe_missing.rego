# METADATA
# title: Long-running container has no liveness probe
# description: >-
#   A container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController) has no `livenessProbe`. Jobs, CronJobs, bare Pods and init
#   containers are not checked.
#   Helm test hooks (`helm.sh/hook: test`) are not workloads and are skipped.
# custom:
#   id: liveness-probe-missing
#   severity: error
#   rationale: >-
#     Without a liveness probe a process that deadlocks or wedges keeps its pod Running
#     forever: Kubernetes restarts only containers that exit. Point it at an endpoint that
#     checks the process itself, never its dependencies, or one slow database restarts the
#     whole fleet.
#   fix: "Add `livenessProbe: {httpGet: {path: /health, port: http}}` (a cheap endpoint that never checks dependencies)."
package paved.rules.liveness_probe_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	not w.test_hook
	w.long_running
	some c in w.containers
	not c.init
	not c.container.livenessProbe
	f := {
		"msg": sprintf("%s has no livenessProbe: a wedged process is never restarted", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": c.pointer,
	}
}
