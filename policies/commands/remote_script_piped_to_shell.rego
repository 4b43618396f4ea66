# METADATA
# title: A downloaded script is run without verification
# description: >-
#   `curl`/`wget` output is piped into a shell (`sh`, `bash`, `zsh`, `dash`, `ash`, `ksh`, also
#   through `sudo`/`env`, and through filters such as `tee`) or an interpreter reading its
#   program from stdin (`python`, `perl`, `ruby`, `node`, `php`), or a shell runs a
#   substitution of one (`bash <(curl ...)`, `sh -c "$(curl ...)"`, `eval "$(wget -qO- ...)"`,
#   `source <(curl ...)`, `sh < <(curl ...)`), on every command surface: Dockerfile RUN, CMD
#   and ENTRYPOINT, Makefile recipes, GitHub `run:`, GitLab scripts, CircleCI `run:`, shell
#   scripts. Points at the downloading command (for a substitution, at the command that runs
#   it). A download to a file (`curl -o`, `wget` without `-O -`), a pipe into a program that
#   only reads data (`| jq`, `| tar xz`, `| python -c CODE`, `| perl -ne CODE`) and a
#   Dockerfile's `RUN make TARGET` (the Makefile's own finding covers its recipe) do not fire.
# custom:
#   id: remote-script-piped-to-shell
#   severity: error
#   rationale: >-
#     Whoever controls the bytes at that URL at build time runs code with the build's
#     privileges and secrets: a compromised release server or CDN, a hijacked domain or
#     account, a moved tag, or a man in the middle where TLS is not verified. Nothing pins what
#     runs: the same line executes a different script tomorrow, and no one reviewed either.
#     Piping also executes as it streams: a connection cut mid-download runs half a script (a
#     truncated `rm -rf /tmp/x` is `rm -rf /`), and the pipeline's status is the shell's, so a
#     failed download can pass unnoticed. Servers can even tell `curl | sh` from a download
#     by timing and serve a different payload to the pipe.
#   fix: >-
#     Download to a file, verify it against a checksum or signature you pinned in the
#     repository (`curl -fsSLo install.sh URL && echo "SHA256  install.sh" | sha256sum -c - &&
#     sh install.sh`), or better, install a pinned release artifact or package, or use the
#     tool's official container image or a pinned GitHub action.
#   examples:
#     bad: "curl -sSfL https://raw.githubusercontent.com/org/tool/master/install.sh | sh -s -- -b /usr/local/bin"
#     good: "curl -fsSLo tool.tgz https://github.com/org/tool/releases/download/v1.2.3/tool.tgz && echo \"<sha256>  tool.tgz\" | sha256sum -c - && tar xzf tool.tgz"
package paved.rules.remote_script_piped_to_shell

import rego.v1

shells := {"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh"}

# Interpreters that run a program they read from stdin when given no script and no code flag.
interpreters := {"perl", "ruby", "node", "nodejs", "php"}

base(p) := b if {
	parts := split(p, "/")
	b := parts[count(parts) - 1]
}

is_interpreter(argv) if base(argv[0]) in interpreters

is_interpreter(argv) if regex.match(`^python[0-9.]*$`, base(argv[0]))

# --- downloads that write to stdout

fetches_to_stdout(argv) if {
	base(argv[0]) == "curl"
	not curl_to_file(argv)
}

fetches_to_stdout(argv) if {
	base(argv[0]) == "wget"
	wget_to_stdout(argv)
}

curl_to_file(argv) if {
	some a in argv
	a in {"--remote-name", "--remote-name-all"}
}

curl_to_file(argv) if {
	some a in argv
	regex.match(`^-[a-zA-Z]*O[a-zA-Z]*$`, a)
}

curl_to_file(argv) if {
	some i, a in argv
	regex.match(`^(-[a-zA-Z]*o|--output)$`, a)
	argv[i + 1] != "-"
}

curl_to_file(argv) if {
	some a in argv
	startswith(a, "--output=")
	a != "--output=-"
}

wget_to_stdout(argv) if {
	some i, a in argv
	regex.match(`^(-[a-zA-Z]*O|--output-document)$`, a)
	argv[i + 1] == "-"
}

wget_to_stdout(argv) if {
	some a in argv
	regex.match(`^(-[a-zA-Z]*O-|--output-document=-)$`, a)
}

# The URL a download names, for the message.
url(argv) := u if {
	urls := [a | some a in argv; regex.match(`^(https?|ftp)://`, a)]
	count(urls) > 0
	u := urls[0]
}

url(argv) := "its URL" if {
	count([a | some a in argv; regex.match(`^(https?|ftp)://`, a)]) == 0
}

# --- programs that run what they read on stdin

# argv indices of operands: words that are neither options nor an option's value
# (`-o pipefail`, `-euo pipefail`, `-d memory_limit=-1`), before `--` or `-` (after which the
# words are the script's arguments).
operands(argv) := [i |
	some i, a in argv
	i > 0
	not regex.match(`^[-+]`, a)
	not option_value(argv, i)
	not end_of_options_before(argv, i)
]

option_value(argv, i) if regex.match(`^[-+][a-zA-Z]*o$|^-[dWXI]$|^--(rcfile|init-file)$`, argv[i - 1])

end_of_options_before(argv, i) if {
	some j, a in argv
	j > 0
	j < i
	a in {"--", "-"}
}

# A shell with no script file reads its script from stdin (`sh`, `bash -s -- args`, `sh -`,
# `sudo -E bash -x`); `sh -c ...` left here had no script to split.
runs_stdin(argv) if {
	base(argv[0]) in shells
	not has_flag(argv, "c")
	count(operands(argv)) == 0
}

# `sh -s ARGS`: the words are the positional parameters of the script read from stdin.
runs_stdin(argv) if {
	base(argv[0]) in shells
	not has_flag(argv, "c")
	has_flag(argv, "s")
}

runs_stdin(argv) if {
	is_interpreter(argv)
	not code_flag(argv)
	count(operands(argv)) == 0
}

has_flag(argv, f) if {
	some i, a in argv
	i > 0
	not end_of_options_before(argv, i)
	regex.match(`^-[a-zA-Z]+$`, a)
	contains(a, f)
}

# `python -c CODE`, `python -m mod`, `perl -e`/`-ne`/`-pe`, `ruby -e`, `node -e`/`-p`, `php -r`:
# the program is on the command line and stdin is data.
code_flag(argv) if {
	some i, a in argv
	i > 0
	regex.match(`^(-[a-zA-Z]*[ceEmpr]|--eval|--print|--module)$`, a)
}

# --- findings

# `curl ... | [filters |] sh`: at the download.
findings contains f if {
	some i, c in input.commands
	not c.via
	fetches_to_stdout(c.argv)
	c.stdout == "pipe"
	some k, m in c.pipeline.after
	runs_stdin(m.argv)
	not stops_before(c.pipeline.after, k)
	f := {
		"msg": sprintf("`%s` output is piped to `%s`: a script from %s runs as downloaded, unverified", [base(c.argv[0]), base(m.argv[0]), url(c.argv)]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

# A member before the k-th writes its output elsewhere (`| tee f > /dev/null | ...`).
stops_before(after, k) if {
	some j, m in after
	j < k
	m.stdout != "pipe"
}

# `bash <(curl ...)`, `sh < <(curl ...)`, `sh <<< "$(curl ...)"`, `source <(curl ...)`,
# `sh -c "$(curl ...)"` / `eval "$(curl ...)"` (split to a command that is the substitution),
# `python3 -c "$(curl ...)"`: at the command that runs it.
findings contains f if {
	some i, c in input.commands
	not c.via
	some s in c.substitutions
	runs_substitution(c, s)
	some d in s.commands
	fetches_to_stdout(d.argv)
	not d.stdout in {"file", "null"}
	f := {
		"msg": substitution_msg(c, s, d),
		"pointer": sprintf("/commands/%d", [i]),
	}
}

# The command word itself is the download's output.
runs_substitution(c, s) if {
	s.word == 0
	s.whole
	s.kind in {"$(", "`"}
}

# A shell or interpreter given the process substitution as its script file.
runs_substitution(c, s) if {
	s.kind == "<("
	s.whole
	base(c.argv[0]) in shells
	s.word == min(operands(c.argv))
}

runs_substitution(c, s) if {
	s.kind == "<("
	s.whole
	is_interpreter(c.argv)
	not code_flag(c.argv)
	s.word == min(operands(c.argv))
}

runs_substitution(c, s) if {
	s.kind == "<("
	s.whole
	c.argv[0] in {"source", "."}
	s.word == 1
}

# Its stdin: `sh < <(curl ...)`, `bash <<< "$(curl ...)"`.
runs_substitution(c, s) if {
	s.redirect != null
	r := c.redirects[s.redirect]
	r.fd == 0
	r.op in {"<", "<<<"}
	s.whole
	runs_stdin(c.argv)
}

# The code of `-c`/`-e`: `python3 -c "$(curl ...)"`.
runs_substitution(c, s) if {
	s.whole
	is_number(s.word)
	s.word > 1
	s.kind in {"$(", "`"}
	prev := c.argv[s.word - 1]
	runs_code_arg(c.argv, prev)
}

runs_code_arg(argv, flag) if {
	base(argv[0]) in shells
	regex.match(`^-[a-zA-Z]*c$`, flag)
}

runs_code_arg(argv, flag) if {
	is_interpreter(argv)
	regex.match(`^(-[a-zA-Z]*[ceEr]|--eval)$`, flag)
}

substitution_msg(c, s, d) := sprintf("the output of `%s` (%s) is run as a command, unverified", [base(d.argv[0]), url(d.argv)]) if {
	s.word == 0
}

substitution_msg(c, s, d) := sprintf("`%s` runs a script that `%s` downloads from %s, unverified", [base(c.argv[0]), base(d.argv[0]), url(d.argv)]) if {
	s.word != 0
}
