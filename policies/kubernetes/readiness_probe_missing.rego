# METADATA
# title: Long-running container has no readiness probe
# description: >-
#   A container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   ReplicationController) has no `readinessProbe`. Jobs, CronJobs, bare Pods and init
#   containers are not checked.
#   Helm test hooks (`helm.sh/hook: test`) are not workloads and are skipped.
# custom:
#   id: readiness-probe-missing
#   severity: error
#   rationale: >-
#     Without a readiness probe a pod receives traffic as soon as its process starts, before
#     it can serve, and keeps receiving it while it drains on shutdown or is overloaded: every
#     rollout and scale-up drops requests.
#   fix: "Add `readinessProbe: {httpGet: {path: /ready, port: http}}` that fails while the service cannot serve (and during shutdown)."
package paved.rules.readiness_probe_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	not w.test_hook
	w.long_running
	some c in w.containers
	not c.init
	not c.container.readinessProbe
	f := {
		"msg": sprintf("%s has no readinessProbe: it gets traffic before it can serve and while it shuts down", [data.paved.lib.k8s.describe(w, c)]),
		"pointer": c.pointer,
	}
}
