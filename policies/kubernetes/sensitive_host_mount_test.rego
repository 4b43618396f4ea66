package paved.rules.sensitive_host_mount_test

import rego.v1

import data.paved.rules.sensitive_host_mount as rule

wl(paths) := {"workloads": [{
	"kind": "DaemonSet", "name": "agent", "long_running": true, "object_index": 0,
	"pointer": "/objects/0/object/spec/template/spec",
	"pod": {"volumes": [{"name": sprintf("v%d", [i]), "hostPath": {"path": p}} | some i, p in paths]},
	"containers": [{"pointer": "/objects/0/object/spec/template/spec/containers/0", "init": false, "container": {"name": "a"}}],
}]}

test_sensitive_paths_and_below_are_findings if {
	fs := rule.findings with input as wl(["/", "/etc/", "/proc/1", "/var/run/docker.sock", "/var/log", "/etcd-data", "/data"])
	{f.pointer | some f in fs} == {
		"/objects/0/object/spec/template/spec/volumes/0/hostPath/path",
		"/objects/0/object/spec/template/spec/volumes/1/hostPath/path",
		"/objects/0/object/spec/template/spec/volumes/2/hostPath/path",
		"/objects/0/object/spec/template/spec/volumes/3/hostPath/path",
	}
}

test_other_volumes_are_quiet if {
	count(rule.findings) == 0 with input as wl(["/var/log", "/mnt/data"])
	count(rule.findings) == 0 with input as {"workloads": [{"kind": "Deployment", "name": "w", "pointer": "/p", "containers": [], "pod": {"volumes": [{"name": "x", "emptyDir": {}}]}}]}
}

ro(path, read_only) := {"workloads": [{
	"kind": "Deployment", "name": "w", "pointer": "/p", "pod": {"volumes": [{"name": "certs", "hostPath": {"path": path}}]},
	"containers": [{"pointer": "/p/containers/0", "init": false, "container": {"name": "a", "volumeMounts": [{"name": "certs", "mountPath": "/etc/ssl/certs", "readOnly": read_only}]}}],
}]}

test_the_trust_store_read_only_is_quiet_but_not_written if {
	count(rule.findings) == 0 with input as ro("/etc/ssl/certs", true)
	count(rule.findings) == 0 with input as ro("/etc/pki/tls", true)
	count(rule.findings) == 1 with input as ro("/etc/ssl/certs", false)
	count(rule.findings) == 1 with input as ro("/etc/ssl", true)
}
