package paved.rules.registry_password_on_command_line_test

import rego.v1

import data.paved.rules.registry_password_on_command_line as rule

cmd(argv) := {"argv": argv, "env": {}, "inherited_env": {}, "text": concat(" ", argv), "line": 3, "col": 5}

findings(argv) := fs if {
	fs := rule.findings with input as {"commands": [cmd(argv)]}
}

fires(argv) if count(findings(argv)) == 1

quiet(argv) if count(findings(argv)) == 0

test_password_arguments_fire if {
	fires(["docker", "login", "-u", "$CI_REGISTRY_USER", "-p", "$CI_REGISTRY_PASSWORD", "$CI_REGISTRY"])
	fires(["docker", "login", "--username", "bot", "--password", "hunter2", "ghcr.io"])
	fires(["docker", "login", "--password=hunter2", "ghcr.io"])
	fires(["docker", "login", "-phunter2", "ghcr.io"])
	fires(["/usr/bin/docker", "--config", "/tmp/cfg", "login", "-p", "x", "r.example.com"])
	fires(["podman", "login", "-u", "u", "-p", "$(cat /run/secrets/pw)", "quay.io"])
	fires(["buildah", "login", "--password", "$PW", "quay.io"])
	fires(["nerdctl", "-n", "k8s.io", "login", "-p", "x", "r"])
	fires(["skopeo", "login", "-p", "x", "r"])
	fires(["oras", "login", "-u", "u", "-p", "x", "r"])
	fires(["helm", "registry", "login", "r.example.com", "-u", "u", "-p", "x"])
	fires(["crane", "auth", "login", "r", "-u", "u", "--password", "x"])
	fires(["docker", "login", "example.com", "-u", "oauth2accesstoken", "-p", "$(gcloud auth print-access-token)"])
}

test_the_message_names_the_flag_and_never_the_value if {
	fs := findings(["docker", "login", "-u", "bot", "-p", "s3cr3t-value", "ghcr.io"])
	some f in fs
	f.pointer == "/commands/0"
	contains(f.msg, "`docker login`")
	contains(f.msg, "`-p`")
	not contains(f.msg, "s3cr3t-value")
	fs2 := findings(["docker", "login", "--password=s3cr3t-value", "ghcr.io"])
	every f2 in fs2 {
		not contains(f2.msg, "s3cr3t-value")
	}
}

test_stdin_and_other_commands_are_quiet if {
	quiet(["docker", "login", "-u", "bot", "--password-stdin", "ghcr.io"])
	quiet(["podman", "login", "--password-stdin", "quay.io"])
	quiet(["helm", "registry", "login", "r", "--username", "u", "--password-stdin"])
	quiet(["docker", "login", "ghcr.io"])
	quiet(["docker", "login", "-p", ""])
	quiet(["docker", "login", "-p"])
	quiet(["docker", "run", "-p", "8080:8080", "nginx:1.27"])
	quiet(["docker", "push", "-p", "x"])
	quiet(["oras", "login", "--plain-http", "localhost:5000"])
	quiet(["helm", "repo", "add", "x", "https://x", "--password", "p"])
	quiet(["echo", "docker", "login", "-p", "x"])
	quiet(["podman", "login", "--tls-verify=false", "--password-stdin", "r"])
}

test_recipes_a_dockerfile_make_reaches_are_left_to_the_makefile if {
	c := object.union(cmd(["docker", "login", "-p", "x", "r"]), {"via": "via `make login`, Makefile:3"})
	count(rule.findings) == 0 with input as {"commands": [c]}
}
