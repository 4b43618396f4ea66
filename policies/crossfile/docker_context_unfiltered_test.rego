package paved.rules.docker_context_unfiltered_test

import rego.v1

import data.paved.rules.docker_context_unfiltered as rule

copy := {"keyword": "COPY", "args": ". .", "stage": 0, "line": 4, "col": 1}

repo(copies, walked, ignore) := {"dockerfiles": [{
	"path": "Dockerfile", "context": ".", "context_walked": walked, "context_is_repo_root": true,
	"context_copies": copies, "dockerignore": ignore,
}]}

ignores(excludes, reincluded) := {"path": ".dockerignore", "excludes_git": excludes, "git_reincluded": reincluded}

test_fires_without_an_ignore_file if {
	fs := rule.findings with input as repo([copy], true, null)
	count(fs) == 1
	some f in fs
	f.line == 4
	contains(f.msg, "no .dockerignore")
}

test_fires_when_the_ignore_file_keeps_git if {
	fs := rule.findings with input as repo([copy], true, ignores(false, []))
	some f in fs
	contains(f.msg, ".dockerignore does not exclude .git")
	back := rule.findings with input as repo([copy], true, ignores(false, [".git/config"]))
	some g in back
	contains(g.msg, "re-includes .git/config")
}

test_quiet_otherwise if {
	count(rule.findings) == 0 with input as repo([copy], true, ignores(true, []))
	count(rule.findings) == 0 with input as repo([], true, null)
	count(rule.findings) == 0 with input as repo([copy], false, null)
}

test_an_ignore_file_keeping_git_matters_at_the_repository_root_only if {
	r := repo([copy], true, ignores(false, []))
	sub := {"dockerfiles": [object.union(r.dockerfiles[0], {"context": "svc", "context_is_repo_root": false})]}
	count(rule.findings) == 0 with input as sub
	bare := {"dockerfiles": [object.union(sub.dockerfiles[0], {"dockerignore": null})]}
	some f in rule.findings with input as bare
	contains(f.msg, "(`svc`), which has no .dockerignore: .env files")
}
