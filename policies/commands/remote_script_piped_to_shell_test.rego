package paved.rules.remote_script_piped_to_shell_test

import rego.v1

import data.paved.rules.remote_script_piped_to_shell as rule

member(argv, stdout) := {"argv": argv, "stdout": stdout}

# A pipeline of argvs as the parser gives it: each command with its neighbours.
pipeline(argvs) := [c |
	some k, argv in argvs
	n := count(argvs)
	members := [member(a, out) | some j, a in argvs; out := stdout_of(j, n)]
	c := {
		"argv": argv, "env": {}, "inherited_env": {}, "text": concat(" ", argv), "line": 1, "col": 1,
		"stdout": stdout_of(k, n), "redirects": [], "substitutions": [], "expansions": [], "xtrace": false,
		"pipeline": {"index": k, "length": n, "before": array.slice(members, 0, k), "after": array.slice(members, k + 1, n)},
	}
]

stdout_of(k, n) := "pipe" if k < n - 1

stdout_of(k, n) := "inherited" if k == n - 1

fires(argvs) if count(rule.findings) == 1 with input as {"commands": pipeline(argvs)}

quiet(argvs) if count(rule.findings) == 0 with input as {"commands": pipeline(argvs)}

test_download_piped_to_a_shell_fires_at_the_download if {
	fs := rule.findings with input as {"commands": pipeline([["curl", "-fsSL", "https://x/i.sh"], ["bash"]])}
	{f.pointer | some f in fs} == {"/commands/0"}
	fires([["curl", "-sSfL", "https://x/i.sh"], ["sh", "-s", "--", "-b", "/usr/local/bin", "v1.2"]])
	fires([["curl", "-SL", "https://x/i.sh"], ["sh", "-s", "latest"]])
	fires([["wget", "-qO-", "https://x/i.sh"], ["sh"]])
	fires([["wget", "-q", "-O", "-", "https://x/i.sh"], ["/bin/bash", "-"]])
	fires([["curl", "-fsSL", "https://x/i.sh"], ["tee", "i.sh"], ["bash", "-x"]])
	fires([["curl", "-sS", "https://getcomposer.org/installer"], ["php", "--", "--install-dir=/usr/local/bin"]])
	fires([["curl", "https://bootstrap.pypa.io/get-pip.py"], ["python3", "-"]])
	fires([["curl", "-sfL", "https://get.k3s.io"], ["sh", "-"]])
}

test_data_consumers_and_files_are_quiet if {
	quiet([["curl", "-fsSL", "https://x/a.json"], ["jq", "-r", ".url"]])
	quiet([["curl", "-fsSL", "https://x/a.tgz"], ["tar", "xz", "-C", "/opt"]])
	quiet([["curl", "-s", "https://x/a.json"], ["python3", "-c", "import json,sys; print(json.load(sys.stdin))"]])
	quiet([["curl", "-s", "https://x/a.json"], ["python3", "-m", "json.tool"]])
	quiet([["curl", "-s", "https://x/a"], ["perl", "-ne", "print if /v/"]])
	quiet([["curl", "-fsSLo", "i.sh", "https://x/i.sh"], ["sh"]])
	quiet([["curl", "-fsSL", "-O", "https://x/i.sh"], ["sh"]])
	quiet([["wget", "https://x/i.sh"], ["sh"]])
	quiet([["curl", "-fsSL", "https://x/k.gpg"], ["sudo", "gpg", "--dearmor", "-o", "/usr/share/keyrings/k.gpg"]])
	quiet([["echo", "curl x"], ["sh", "-c", "cat > f"]])
	quiet([["curl", "-fsSL", "https://x/i.sh"], ["bash", "./local.sh"]])
}

sub_cmd(kind, word, redirect, inner) := {
	"argv": [], "env": {}, "inherited_env": {}, "text": "", "line": 2, "col": 3, "stdout": "inherited",
	"pipeline": {"index": 0, "length": 1, "before": [], "after": []}, "expansions": [], "xtrace": false,
	"redirects": [{"fd": 0, "op": "<", "target": "<(curl x)"}],
	"substitutions": [{"kind": kind, "word": word, "redirect": redirect, "whole": true, "commands": [{"argv": inner, "text": "", "stdout": "inherited", "substitutions": [], "pipeline": {"index": 0, "length": 1, "before": [], "after": []}}]}],
}

with_argv(c, argv) := object.union(c, {"argv": argv})

test_substitutions_of_downloads_run_by_a_shell_fire if {
	curl := ["curl", "-fsSL", "https://x/i.sh"]
	cases := [
		with_argv(sub_cmd("<(", 1, null, curl), ["bash", "<(curl -fsSL https://x/i.sh)"]),
		with_argv(sub_cmd("$(", 0, null, curl), ["$(curl -fsSL https://x/i.sh)"]),
		with_argv(sub_cmd("<(", 1, null, curl), ["source", "<(curl -fsSL https://x/i.sh)"]),
		with_argv(sub_cmd("<(", null, 0, curl), ["sh"]),
		with_argv(sub_cmd("$(", 2, null, curl), ["python3", "-c", "$(curl -fsSL https://x/i.sh)"]),
	]
	every c in cases {
		count(rule.findings) == 1 with input as {"commands": [c]}
	}
}

test_substitutions_that_only_produce_data_are_quiet if {
	curl := ["curl", "-fsSL", "https://x/v.txt"]
	cases := [
		with_argv(sub_cmd("$(", 2, null, curl), ["echo", "v", "$(curl -fsSL https://x/v.txt)"]),
		with_argv(sub_cmd("<(", 1, null, curl), ["diff", "<(curl -fsSL https://x/v.txt)", "v.txt"]),
		with_argv(sub_cmd("<(", 2, null, curl), ["bash", "./local.sh", "<(curl -fsSL https://x/v.txt)"]),
		with_argv(sub_cmd("<(", 1, null, ["curl", "-o", "f", "https://x"]), ["bash", "<(curl -o f https://x)"]),
	]
	every c in cases {
		count(rule.findings) == 0 with input as {"commands": [c]}
	}
}
