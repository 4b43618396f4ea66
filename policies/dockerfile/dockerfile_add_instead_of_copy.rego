# METADATA
# title: ADD copies a local file
# description: >-
#   A Dockerfile `ADD` copies a local file or directory: not a tar archive it should unpack,
#   not a URL or git repository it should fetch.
# custom:
#   id: dockerfile-add-instead-of-copy
#   severity: warning
#   rationale: >-
#     ADD does more than copy: a local tar archive is unpacked, and a source that turns out to
#     be a URL is downloaded. For plain files that magic is a surprise waiting to happen (a
#     renamed `.tar` file suddenly expands), and reviewers cannot tell what the line does without
#     knowing its sources. COPY says exactly what happens.
#   fix: "Use `COPY` for local files and directories; keep `ADD` for archives it unpacks and pinned (`--checksum`) downloads."
package paved.rules.dockerfile_add_instead_of_copy

import rego.v1

archive_suffixes := [
	".tar", ".tar.gz", ".tgz", ".tar.bz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz",
	".tar.lz", ".tlz", ".tar.lzma", ".tar.Z", ".tz", ".tar.zst", ".tzst",
]

is_archive(src) if {
	some s in archive_suffixes
	endswith(lower(src), lower(s))
}

remote(src) if contains(src, "://")

remote(src) if startswith(src, "git@")

# Sources of an ADD: every argument but the destination (exec form or shell form).
sources(ins) := array.slice(ins.exec, 0, count(ins.exec) - 1) if ins.exec != null

sources(ins) := array.slice(words, 0, count(words) - 1) if {
	ins.exec == null
	words := [w | some w in split(trim_space(ins.raw), " "); w != ""]
}

findings contains f if {
	some si, s in input.dockerfile.stages
	some ii, ins in s.instructions
	upper(ins.keyword) == "ADD"
	srcs := sources(ins)
	count(srcs) > 0
	every src in srcs {
		not remote(src)
		not is_archive(src)
		not contains(src, "$")
	}
	f := {
		"msg": sprintf("ADD %s copies local files: use COPY (ADD also unpacks archives and fetches URLs)", [concat(" ", srcs)]),
		"pointer": sprintf("/dockerfile/stages/%d/instructions/%d", [si, ii]),
	}
}
