# METADATA
# title: Pod mounts a sensitive host path
# description: >-
#   A `hostPath` volume mounts `/`, `/etc`, `/proc`, `/sys`, `/root`, `/var/run/docker.sock`,
#   `/run/containerd`, `/var/lib/kubelet` or a path below them. The host's CA certificates
#   (`/etc/ssl/certs`, `/etc/pki`) mounted read-only by every container that mounts them are
#   not: reading the node's trust store is the point of that mount.
# custom:
#   id: sensitive-host-mount
#   severity: error
#   rationale: >-
#     These paths are the node: the container runtime's socket starts privileged containers on
#     it, `/etc` and `/root` hold its users and keys, `/proc` and `/sys` its kernel, and the
#     kubelet's directory every pod's secrets. A container that mounts one can take the node,
#     and every pod on it.
#   fix: >-
#     Mount a narrower path, or an emptyDir/configMap/secret instead; node agents that need the
#     path say why with `# paved:ignore sensitive-host-mount -- reason`.
package paved.rules.sensitive_host_mount

import rego.v1

sensitive := ["/etc", "/proc", "/sys", "/root", "/var/run/docker.sock", "/run/containerd", "/var/lib/kubelet"]

# The path without trailing slashes (`/etc/` is `/etc`; `/` stays `/`).
clean(p) := "/" if trim_right(p, "/") == ""

clean(p) := trim_right(p, "/") if trim_right(p, "/") != ""

is_sensitive(p) if clean(p) == "/"

is_sensitive(p) if {
	some s in sensitive
	clean(p) == s
}

is_sensitive(p) if {
	some s in sensitive
	startswith(clean(p), concat("", [s, "/"]))
}

ca_stores := ["/etc/ssl/certs", "/etc/pki"]

is_ca_store(p) if {
	some s in ca_stores
	clean(p) == s
}

is_ca_store(p) if {
	some s in ca_stores
	startswith(clean(p), concat("", [s, "/"]))
}

# Every mount of volume `name` in the pod's containers is read-only (and there is one).
read_only_everywhere(w, name) if {
	mounts := [m | some c in w.containers; some m in object.get(c.container, "volumeMounts", []); object.get(m, "name", null) == name]
	count(mounts) > 0
	every m in mounts {
		object.get(m, "readOnly", false) == true
	}
}

findings contains f if {
	some w in input.workloads
	some i, v in object.get(w.pod, "volumes", [])
	is_object(v)
	path := object.get(object.get(v, "hostPath", {}), "path", null)
	is_string(path)
	is_sensitive(path)
	not read_only_trust_store(w, v, path)
	f := {
		"msg": sprintf("%s %q mounts the host's %s (volume %q)", [w.kind, w.name, path, object.get(v, "name", "?")]),
		"pointer": sprintf("%s/volumes/%d/hostPath/path", [w.pointer, i]),
	}
}

read_only_trust_store(w, v, path) if {
	is_ca_store(path)
	read_only_everywhere(w, object.get(v, "name", null))
}
