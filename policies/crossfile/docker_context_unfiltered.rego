# METADATA
# title: COPY . sends a build context that does not leave out .git
# description: >-
#   A Dockerfile `COPY`/`ADD` copies the whole build context (`.` or `./` as a source, not
#   `--from` a stage) and the context has no `.dockerignore`, or its ignore file does not
#   exclude `.git` (Docker's matching: comments, `!` re-includes, the last match wins). The
#   context is the one the repository's build commands give the Dockerfile (`docker build`
#   in a Makefile, CI or script, `docker/build-push-action`), else the Dockerfile's
#   directory; BuildKit's `<Dockerfile>.dockerignore` beside the Dockerfile wins over the
#   context's `.dockerignore`. Fires only when paved walked the context directory; an ignore
#   file that keeps `.git` matters only when the context is the repository's root (it holds
#   `.git`, or the repository's CI files: `.github/`, `.gitlab-ci.yml`, `.circleci/`).
# custom:
#   id: docker-context-unfiltered
#   severity: warning
#   rationale: >-
#     Without an ignore file, `COPY . .` puts the repository's `.git` into an image layer:
#     its whole history, including every secret ever committed and later deleted, ships with
#     the image, and any commit changes the layer, so the build cache misses on every build
#     and every later layer is rebuilt. The context is also uploaded to the builder on each
#     build (slow for large histories), and a missing .dockerignore sends `.env` files, local
#     credentials and build output along with it.
#   fix: "Add a `.dockerignore` at the root of the build context that excludes `.git` (and `.env`, build output, local tooling), or allow-list with `*` and `!` patterns; or copy only what the build needs (`COPY go.mod go.sum ./`, `COPY cmd/ cmd/`)."
package paved.rules.docker_context_unfiltered

import rego.v1

context_name(df) := "the repository root" if df.context == "."

context_name(df) := sprintf("`%s`", [df.context]) if df.context != "."

# What a context without an ignore file sends along.
unfiltered(df) := ".git, .env files and local credentials go into the image" if df.context_is_repo_root == true

unfiltered(df) := ".env files, local credentials and build output go into the image" if df.context_is_repo_root != true

findings contains f if {
	some df in input.dockerfiles
	df.context_walked == true
	df.dockerignore == null
	some cp in df.context_copies
	f := {
		"msg": sprintf(
			"`%s %s` copies the whole build context (%s), which has no .dockerignore: %s",
			[cp.keyword, cp.args, context_name(df), unfiltered(df)],
		),
		"path": df.path,
		"line": cp.line,
		"col": cp.col,
	}
}

findings contains f if {
	some df in input.dockerfiles
	df.context_walked == true
	ignore := df.dockerignore
	ignore != null
	ignore.excludes_git == false
	df.context_is_repo_root == true
	some cp in df.context_copies
	f := {
		"msg": sprintf(
			"`%s %s` copies the whole build context (%s), and %s %s: the repository's history goes into the image",
			[cp.keyword, cp.args, context_name(df), ignore.path, leak(ignore)],
		),
		"path": df.path,
		"line": cp.line,
		"col": cp.col,
	}
}

leak(ignore) := "does not exclude .git" if count(ignore.git_reincluded) == 0

leak(ignore) := sprintf("re-includes %s", [concat(", ", ignore.git_reincluded)]) if count(ignore.git_reincluded) > 0
