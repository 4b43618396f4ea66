package paved.rules.dockerfile_add_instead_of_copy_test

import rego.v1

import data.paved.rules.dockerfile_add_instead_of_copy as rule

df(instructions) := {"dockerfile": {"stages": [{"index": 0, "instructions": instructions}]}}

add(raw) := {"keyword": "ADD", "raw": raw, "exec": null, "flags": []}

test_local_files_are_a_finding_at_the_instruction if {
	fs := rule.findings with input as df([add("app /app"), add("config/ static/ /srv/")])
	{f.pointer | some f in fs} == {"/dockerfile/stages/0/instructions/0", "/dockerfile/stages/0/instructions/1"}
	count(rule.findings) == 1 with input as df([{"keyword": "ADD", "raw": "", "exec": ["app", "/app"], "flags": []}])
}

test_archives_urls_git_and_variables_are_quiet if {
	count(rule.findings) == 0 with input as df([add("vendor.tar.gz /opt/"), add("rootfs.TXZ /")])
	count(rule.findings) == 0 with input as df([add("https://example.com/tool /usr/local/bin/tool")])
	count(rule.findings) == 0 with input as df([add("git@github.com:org/repo.git /src")])
	count(rule.findings) == 0 with input as df([add("$ARTIFACT /app")])
	count(rule.findings) == 0 with input as df([{"keyword": "COPY", "raw": "app /app", "exec": null, "flags": []}])
}
