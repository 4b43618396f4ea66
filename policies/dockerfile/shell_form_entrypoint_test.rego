package paved.rules.shell_form_entrypoint_test

import rego.v1

import data.paved.rules.shell_form_entrypoint as rule

c(text, argv) := {"argv": argv, "text": text}

# Shell form: the commands the parser split the script into.
shell(kw, cmds) := {"keyword": kw, "exec": null, "commands": cmds}

# Exec form: a shell's `-c` script is split into its commands, other argv is one command.
exec(kw, argv, cmds) := {"keyword": kw, "exec": argv, "commands": cmds}

copy := {"keyword": "COPY", "exec": null, "commands": []}

stage(name, base_stage, instructions) := {"name": name, "from": {"base_stage": base_stage, "scratch": false, "reference": {"registry": null, "repository": "library/alpine", "tag": "3.22"}}, "instructions": instructions}

df(stages) := {"kind": "dockerfile", "dockerfile": {"stages": stages, "test_runner": false}}

one(instructions) := df([stage(null, null, instructions)])

findings(doc) := fs if {
	fs := rule.findings with input as doc
}

fires(doc) if count(findings(doc)) == 1

quiet(doc) if count(findings(doc)) == 0

server := c("./server --port 8080", ["./server", "--port", "8080"])

test_shell_form_cmd_fires_at_the_cmd if {
	fs := findings(one([copy, shell("CMD", [server])]))
	count(fs) == 1
	some f in fs
	f.pointer == "/dockerfile/stages/0/instructions/1"
	contains(f.msg, "CMD is in shell form")
	contains(f.msg, "`server`")
}

test_shell_form_entrypoint_fires_and_its_cmd_does_not_matter if {
	fires(one([shell("ENTRYPOINT", [c("locust --headless 2>&1", ["locust", "--headless"])]), exec("CMD", ["-u", "10"], [])]))
	fires(one([shell("ENTRYPOINT", [server])]))
}

test_exec_form_shell_scripts_without_exec_fire if {
	envoy := [c("envsubst < t > e", ["envsubst"]), c("envoy -c e", ["envoy", "-c", "e"])]
	fs := findings(one([exec("ENTRYPOINT", ["/bin/sh", "-c", "envsubst < t > e && envoy -c e;"], envoy)]))
	some f in fs
	contains(f.msg, "exec form, but runs `sh -c`")
	contains(f.msg, "`envoy`")
	fires(one([exec("CMD", ["sh", "-c", "./server $PORT"], [c("./server $PORT", ["./server", "$PORT"])])]))
	fires(one([exec("CMD", ["bash", "-ec", "./server"], [c("./server", ["./server"])])]))
}

test_exec_and_exec_form_programs_are_quiet if {
	quiet(one([exec("ENTRYPOINT", ["/server"], [c("/server", ["/server"])]), exec("CMD", ["--port", "8080"], [])]))
	quiet(one([exec("CMD", ["./server"], [c("./server", ["./server"])])]))
	quiet(one([shell("CMD", [c("exec ./server --port 8080", ["./server", "--port", "8080"])])]))
	quiet(one([exec("CMD", ["sh", "-c", "ulimit -n 65536 && exec /app/server"], [c("ulimit -n 65536", ["ulimit", "-n", "65536"]), c("exec /app/server", ["/app/server"])])]))
	# An init as ENTRYPOINT forwards signals: a shell-form CMD is only its arguments.
	quiet(one([exec("ENTRYPOINT", ["tini", "--"], [c("tini --", ["tini", "--"])]), shell("CMD", [server])]))
	# An entrypoint script (its `exec "$@"` is not in the Dockerfile).
	quiet(one([exec("ENTRYPOINT", ["/entrypoint.sh"], [c("/entrypoint.sh", ["/entrypoint.sh"])]), shell("CMD", [server])]))
	# The script comes from CMD: not judged.
	quiet(one([exec("ENTRYPOINT", ["sh", "-c"], [c("sh -c", ["sh", "-c"])]), exec("CMD", ["./server"], [])]))
}

test_redirect_only_exec_keeps_the_shell if {
	fires(one([shell("CMD", [c("exec 2>&1", ["exec"]), server])]))
}

test_images_without_a_process_of_their_own_and_shells_are_quiet if {
	quiet(one([copy]))
	quiet(one([shell("CMD", [c("bash", ["bash"])])]))
	quiet(one([shell("CMD", [c("/bin/sh -l", ["/bin/sh", "-l"])])]))
	quiet(df([stage("b", null, [shell("RUN", [c("go build -o /server .", ["go", "build", "-o", "/server", "."])])]), stage(null, null, [copy])]))
}

test_test_runners_and_windows_shells_are_quiet if {
	doc := one([shell("CMD", [c("go test ./...", ["go", "test", "./..."])])])
	quiet(object.union(doc, {"dockerfile": {"test_runner": true}}))
	quiet(one([exec("SHELL", ["powershell", "-Command"], []), shell("CMD", [c("C:\\app.exe", ["C:\\app.exe"])])]))
	quiet(object.union(doc, {"kind": "shell"}))
}

test_the_process_is_inherited_through_earlier_stages if {
	base := stage("base", null, [shell("CMD", [server])])
	fs := findings(df([base, stage(null, 0, [copy])]))
	count(fs) == 1
	some f in fs
	f.pointer == "/dockerfile/stages/0/instructions/0"
	contains(f.msg, "(inherited from stage `base`)")
	# Two levels down.
	fires(df([base, stage("mid", 0, [copy]), stage(null, 1, [copy])]))
	# The final stage's own exec-form CMD replaces the inherited one.
	quiet(df([base, stage(null, 0, [exec("CMD", ["/server"], [])])]))
	# The final stage's ENTRYPOINT resets the CMD it inherits.
	quiet(df([base, stage(null, 0, [exec("ENTRYPOINT", ["/server"], [])])]))
	# An inherited exec-form ENTRYPOINT with the final stage's shell-form CMD as its arguments.
	quiet(df([stage("base", null, [exec("ENTRYPOINT", ["tini", "--"], [])]), stage(null, 0, [shell("CMD", [server])])]))
	# An inherited shell-form ENTRYPOINT still runs.
	fires(df([stage("base", null, [shell("ENTRYPOINT", [server])]), stage(null, 0, [exec("CMD", ["--x"], [])])]))
	# A stage built FROM an image (not an earlier stage) inherits nothing from the file.
	quiet(df([base, stage(null, null, [copy])]))
}

from_image(ref, scratch) := {"base_stage": null, "scratch": scratch, "reference": ref}

distroless := {"registry": "gcr.io", "repository": "distroless/static-debian12", "tag": "nonroot"}

debug_image := {"registry": "gcr.io", "repository": "distroless/base-debian12", "tag": "debug-nonroot"}

on(from) := df([{"name": null, "from": from, "instructions": [shell("CMD", [server])]}])

cannot_start(doc) if {
	some f in findings(doc)
	contains(f.msg, "cannot even start")
}

starts_as_shell(doc) if {
	some f in findings(doc)
	contains(f.msg, "PID 1 is the shell")
}

test_an_image_without_a_shell_cannot_start if {
	cannot_start(on(from_image(distroless, false)))
	cannot_start(on(from_image(null, true)))
	starts_as_shell(on(from_image(debug_image, false)))
	not cannot_start(on(from_image(debug_image, false)))

	# The root image of a stage chain decides.
	cannot_start(df([{"name": "run", "from": from_image(distroless, false), "instructions": []}, stage(null, 0, [shell("CMD", [server])])]))
}
