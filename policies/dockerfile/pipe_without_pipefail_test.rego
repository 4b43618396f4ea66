package paved.rules.pipe_without_pipefail_test

import rego.v1

import data.paved.rules.pipe_without_pipefail as rule

run(raw) := {"keyword": "RUN", "raw": raw, "exec": null, "heredocs": [], "flags": []}

df(instructions) := {"dockerfile": {"stages": [{"index": 0, "instructions": instructions}]}}

test_a_pipe_is_a_finding_at_its_run if {
	fs := rule.findings with input as df([run("curl -fsSL https://x/t.tgz | tar xz -C /opt")])
	{f.pointer | some f in fs} == {"/dockerfile/stages/0/instructions/0"}
}

test_or_quotes_and_pipefail_are_quiet if {
	count(rule.findings) == 0 with input as df([run("make || true"), run("echo 'a|b' \"c|d\"")])
	count(rule.findings) == 0 with input as df([run("set -o pipefail && curl x | sh")])
	shell := {"keyword": "SHELL", "raw": "", "exec": ["/bin/bash", "-o", "pipefail", "-c"], "heredocs": [], "flags": []}
	count(rule.findings) == 0 with input as df([shell, run("curl x | tar x")])
	count(rule.findings) == 1 with input as df([run("curl x | tar x"), shell])
	count(rule.findings) == 0 with input as df([{"keyword": "RUN", "raw": "", "exec": ["sh", "-c", "a | b"], "heredocs": [], "flags": []}])
}
