# METADATA
# title: Workload has no team label
# description: >-
#   A Kubernetes workload has no `team` label in its metadata, so nobody is paged for it.
#   An example of a custom policy: same input and finding shape as the built-in rules.
# custom:
#   id: team-label-missing
#   severity: warning
#   rationale: >-
#     Incidents need an owner. A team label routes alerts and cost reports.
#   fix: "Add `metadata.labels.team: <your team>` to the workload."
package paved.rules.team_label_missing

import rego.v1

findings contains f if {
	some w in input.workloads
	obj := input.objects[w.object_index].object
	not obj.metadata.labels.team
	f := {
		"msg": sprintf("%s %q has no team label", [w.kind, w.name]),
		"pointer": sprintf("/objects/%d/object/metadata", [w.object_index]),
	}
}
