# METADATA
# title: A registry password is passed on the command line
# description: >-
#   A registry login takes its password as an argument: `docker login`, `podman login`,
#   `buildah login`, `nerdctl login`, `skopeo login`, `oras login`, `helm registry login` or
#   `crane auth login` with `-p VALUE`, `-pVALUE`, `--password VALUE` or `--password=VALUE`
#   (a literal, a `$VARIABLE`, a `$(command)` alike), on every command surface: Dockerfile
#   RUN, Makefile recipes, GitHub `run:`, GitLab scripts, CircleCI `run:`, composite actions,
#   shell scripts. Points at the login command; the message names the flag, never the value.
#   `--password-stdin` and an empty value do not fire, nor does a Dockerfile's `RUN make
#   TARGET` (the Makefile's own finding covers its recipe).
# custom:
#   id: registry-password-on-command-line
#   severity: error
#   rationale: >-
#     An argument is not a secret: every user on the machine reads it in the process list
#     (`ps`, `/proc/PID/cmdline`) while the login runs, shells keep it in their history, `set
#     -x` and `make` print it to the log as they run the line, and CI log masking only hides
#     the exact value of a registered secret, not a token a command substitution produced
#     (`-p $(gcloud auth print-access-token)`). Docker itself warns "Using --password via the
#     CLI is insecure". A leaked registry credential lets anyone push an image under your
#     name, and every cluster that pulls it runs their code.
#   fix: >-
#     Pass the password on stdin: `printf '%s' "$REGISTRY_PASSWORD" | docker login -u "$USER"
#     --password-stdin registry.example.com` (the same flag for podman, buildah, nerdctl,
#     skopeo, oras, crane and `helm registry login`), or `gcloud auth print-access-token |
#     docker login -u oauth2accesstoken --password-stdin HOST`; on GitHub,
#     `docker/login-action` with the secret in `password:`.
#   examples:
#     bad: "docker login -u \"$CI_REGISTRY_USER\" -p \"$CI_REGISTRY_PASSWORD\" \"$CI_REGISTRY\""
#     good: "printf '%s' \"$CI_REGISTRY_PASSWORD\" | docker login -u \"$CI_REGISTRY_USER\" --password-stdin \"$CI_REGISTRY\""
package paved.rules.registry_password_on_command_line

import rego.v1

base(p) := b if {
	parts := split(p, "/")
	b := parts[count(parts) - 1]
}

# Tools whose `login` subcommand takes `-p`/`--password`.
login_tools := {"docker", "podman", "buildah", "nerdctl", "skopeo", "oras"}

# Their options before the subcommand that take a value (`docker --config DIR login`,
# `docker -H host login`, `nerdctl -n ns login`, `podman --connection c login`).
global_value_flags := {
	"--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert",
	"--tlscert", "--tlskey", "-n", "--namespace", "--address", "-a", "--root", "--runroot",
	"--storage-driver", "--url", "--connection", "--registries-conf", "--registries.d",
	"--cgroup-manager", "--data-root", "--identity",
}

# argv indices of the words that are neither options nor an option's value.
words(argv) := [i |
	some i, a in argv
	i > 0
	not startswith(a, "-")
	not argv[i - 1] in global_value_flags
]

# The login command argv runs, and the argv index its own options start after.
login(argv) := {"name": sprintf("%s login", [base(argv[0])]), "at": w[0]} if {
	base(argv[0]) in login_tools
	w := words(argv)
	argv[w[0]] == "login"
}

login(argv) := {"name": "helm registry login", "at": w[1]} if {
	base(argv[0]) == "helm"
	w := words(argv)
	argv[w[0]] == "registry"
	argv[w[1]] == "login"
}

login(argv) := {"name": "crane auth login", "at": w[1]} if {
	base(argv[0]) == "crane"
	w := words(argv)
	argv[w[0]] == "auth"
	argv[w[1]] == "login"
}

# The password flag as written (`-p`, `--password`), when it is given a non-empty value.
password_flag(argv, at) := flag if {
	some i, a in argv
	i > at
	a in {"-p", "--password"}
	i + 1 < count(argv)
	argv[i + 1] != ""
	flag := a
}

password_flag(argv, at) := "--password" if {
	some i, a in argv
	i > at
	startswith(a, "--password=")
	a != "--password="
}

# `-pVALUE` (and `-p=VALUE`): pflag's short flag with its value attached.
password_flag(argv, at) := "-p" if {
	some i, a in argv
	i > at
	startswith(a, "-p")
	not startswith(a, "--")
	count(a) > 2
	a != "-p="
}

# Narrows the commands down by program before any function runs (most commands are not logins).
login_programs := login_tools | {"helm", "crane"}

findings contains f if {
	some i, c in input.commands
	parts := split(c.argv[0], "/")
	parts[count(parts) - 1] in login_programs
	not c.via
	l := login(c.argv)
	flags := {p | p := password_flag(c.argv, l.at)}
	count(flags) > 0
	flag := sort(flags)[0]
	f := {
		"msg": sprintf("`%s` gets the password on the command line (`%s`), where the process list, shell history and traced logs show it: pipe it to `--password-stdin`", [l.name, flag]),
		"pointer": sprintf("/commands/%d", [i]),
	}
}
