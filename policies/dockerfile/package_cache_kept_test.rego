package paved.rules.package_cache_kept_test

import rego.v1

import data.paved.rules.package_cache_kept as rule

run(cmds, flags) := {"keyword": "RUN", "raw": "", "exec": null, "flags": flags, "commands": [{"argv": a} | some a in cmds]}

df(stages) := {"dockerfile": {"stages": [{"index": i, "from": {"base_stage": b}, "instructions": ins} | some i, st in stages; b := st[0]; ins := st[1]]}}

test_apt_without_cleanup_in_the_final_stage if {
	fs := rule.findings with input as df([[null, [run([["apt-get", "update"], ["apt-get", "install", "-y", "curl"]], [])]]])
	{f.pointer | some f in fs} == {"/dockerfile/stages/0/instructions/0"}
}

test_apt_cleaned_or_cached_is_quiet if {
	count(rule.findings) == 0 with input as df([[null, [run([["apt-get", "install", "-y", "curl"], ["rm", "-rf", "/var/lib/apt/lists/*"]], [])]]])
	count(rule.findings) == 0 with input as df([[null, [run([["apt-get", "install", "-y", "curl"]], [{"name": "mount", "value": "type=cache,target=/var/lib/apt"}])]]])
}

test_apk_needs_no_cache if {
	count(rule.findings) == 1 with input as df([[null, [run([["apk", "add", "curl"]], [])]]])
	count(rule.findings) == 0 with input as df([[null, [run([["apk", "add", "--no-cache", "curl"]], [])]]])
}

test_build_stages_do_not_count_but_a_base_of_the_final_does if {
	# Stage 0 is a builder; stage 1 is built from scratch-like stage 2's sibling: only the
	# final image's chain counts.
	count(rule.findings) == 0 with input as df([[null, [run([["apt-get", "install", "gcc"]], [])]], [null, []]])
	count(rule.findings) == 1 with input as df([[null, [run([["apt-get", "install", "ca-certificates"]], [])]], [0, []]])
}
