#!/usr/bin/env bash
# Installs the peer tools the benchmark compares paved with (never dependencies of paved):
#   - from scripts/setup-test-tools.sh (run first; its venv and Go tools are reused):
#     checkov, hadolint (venv), actionlint (go install)
#   - kube-linter and conftest, built with Go at pinned versions
#   - hyperfine and GNU time from Debian when missing (only with root and apt-get)
# Idempotent: a second run only checks what is there. Everything lands in $PAVED_TOOLS
# (default ~/.cache/paved-tools); source "$PAVED_TOOLS/env.sh" to put it on PATH.
#
# Why kube-linter is not a plain `go install`: its go.mod declares the vanity path
# golang.stackrox.io/kube-linter, which the module proxy here refuses (403) at every version,
# and `go install github.com/stackrox/kube-linter/cmd/kube-linter@v0.8.3` fails on the
# proxy's missing version list for that path. The GitHub path at an exact version is served,
# so we `go mod download` that source and `go build` it (its own go.sum pins every dependency).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
TOOLS="${PAVED_TOOLS:-$HOME/.cache/paved-tools}"
export PAVED_TOOLS="$TOOLS"

# Pinned versions: bump deliberately, in their own commit.
KUBE_LINTER_MODULE="github.com/stackrox/kube-linter"
KUBE_LINTER_VERSION="v0.8.3"
CONFTEST_MODULE="github.com/open-policy-agent/conftest"
CONFTEST_VERSION="v0.66.0"

log() { printf 'setup-peers: %s\n' "$*" >&2; }

# 1. The test tools (checkov, hadolint, actionlint, the venv) and $TOOLS/env.sh.
"$REPO/scripts/setup-test-tools.sh"
# shellcheck source=/dev/null
. "$TOOLS/env.sh"

# 2. kube-linter: download the tagged source, build it.
marker="$TOOLS/bin/.kube-linter-$KUBE_LINTER_VERSION"
if [ -x "$TOOLS/bin/kube-linter" ] && [ -f "$marker" ]; then
  log "kube-linter $KUBE_LINTER_VERSION already installed"
else
  log "building kube-linter $KUBE_LINTER_VERSION from $KUBE_LINTER_MODULE"
  src="$(cd /tmp && go mod download -json "$KUBE_LINTER_MODULE@$KUBE_LINTER_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  cp -r "$src/." "$build/"
  chmod -R u+w "$build"
  (cd "$build" && GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=$KUBE_LINTER_VERSION" \
    -o "$TOOLS/bin/kube-linter" ./cmd/kube-linter)
  rm -f "$TOOLS/bin/.kube-linter-"*
  touch "$marker"
fi

# 3. conftest: a plain go install works for it.
marker="$TOOLS/bin/.conftest-$CONFTEST_VERSION"
if [ -x "$TOOLS/bin/conftest" ] && [ -f "$marker" ]; then
  log "conftest $CONFTEST_VERSION already installed"
else
  log "go install $CONFTEST_MODULE@$CONFTEST_VERSION"
  GOBIN="$TOOLS/bin" go install -trimpath \
    -ldflags "-s -w -X $CONFTEST_MODULE/internal/version.Version=${CONFTEST_VERSION#v}" \
    "$CONFTEST_MODULE@$CONFTEST_VERSION"
  rm -f "$TOOLS/bin/.conftest-"*
  touch "$marker"
fi

# 4. hyperfine (for `paved new`) and GNU time: from Debian, when missing and possible.
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "note: ${missing[*]} missing and cannot apt-get here; bench/run.sh falls back to its own timer"
  fi
fi

# 5. Smoke-check each peer once, and record the versions the results will cite.
{
  printf 'checkov %s\n' "$(checkov --version 2>/dev/null | tail -1)"
  printf 'hadolint %s\n' "$(hadolint --version | awk '{print $NF}')"
  printf 'actionlint %s\n' "$(actionlint -version | head -1)"
  printf 'kube-linter %s\n' "$(kube-linter version)"
  printf 'conftest %s\n' "$(conftest --version | tr '\n' ' ' | sed 's/ *$//')"
  if command -v hyperfine >/dev/null 2>&1; then printf '%s\n' "$(hyperfine --version)"; fi
} >"$TOOLS/peers-versions.txt"
cat "$TOOLS/peers-versions.txt" >&2
log "ready: source $TOOLS/env.sh"
