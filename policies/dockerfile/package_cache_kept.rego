# METADATA
# title: Package manager cache left in the image
# description: >-
#   A RUN of the final image installs packages with `apt-get install` without removing
#   `/var/lib/apt/lists` in the same RUN, or with `apk add` without `--no-cache`.
# custom:
#   id: package-cache-kept
#   severity: warning
#   rationale: >-
#     The package index stays in the layer: tens of megabytes in every pull and every node's
#     disk, and stale metadata that scanners read as installed software. Removing it in a later
#     RUN does not help: the earlier layer still holds it.
#   fix: >-
#     End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (apt), use `apk add --no-cache`,
#     or mount the cache (`RUN --mount=type=cache,target=/var/lib/apt ...`).
package paved.rules.package_cache_kept

import rego.v1

stages := input.dockerfile.stages

# The final stage and the stages it is built FROM (their layers are in the image), up to six
# stages down (no recursion: a Dockerfile of thousands of stages must not exhaust the stack).
base(i) := stages[i].from.base_stage

last := count(stages) - 1

in_image(i) if i == last

in_image(i) if i == base(last)

in_image(i) if i == base(base(last))

in_image(i) if i == base(base(base(last)))

in_image(i) if i == base(base(base(base(last))))

in_image(i) if i == base(base(base(base(base(last)))))

apt_install(cmd) if {
	cmd.argv[0] in {"apt-get", "apt"}
	"install" in cmd.argv
}

apk_add(cmd) if {
	cmd.argv[0] == "apk"
	"add" in cmd.argv
	not "--no-cache" in cmd.argv
}

apt_cleaned(ins) if {
	some cmd in ins.commands
	cmd.argv[0] == "rm"
	some a in cmd.argv
	startswith(a, "/var/lib/apt/lists")
}

# A BuildKit cache mount keeps the cache out of the layer.
cache_mounted(ins, dir) if {
	some flag in ins.flags
	flag.name == "mount"
	contains(flag.value, "type=cache")
	contains(flag.value, dir)
}

findings contains f if {
	some si, s in stages
	in_image(si)
	some ii, ins in s.instructions
	upper(ins.keyword) == "RUN"
	some cmd in ins.commands
	apt_install(cmd)
	not apt_cleaned(ins)
	not cache_mounted(ins, "/var/lib/apt")
	f := {
		"msg": "`apt-get install` leaves /var/lib/apt/lists in the image: remove it in the same RUN",
		"pointer": sprintf("/dockerfile/stages/%d/instructions/%d", [si, ii]),
	}
}

findings contains f if {
	some si, s in stages
	in_image(si)
	some ii, ins in s.instructions
	upper(ins.keyword) == "RUN"
	some cmd in ins.commands
	apk_add(cmd)
	not cache_mounted(ins, "/var/cache/apk")
	f := {
		"msg": "`apk add` without --no-cache leaves the package index in the image",
		"pointer": sprintf("/dockerfile/stages/%d/instructions/%d", [si, ii]),
	}
}
