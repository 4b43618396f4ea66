#!/usr/bin/env bash
# Fuzzes paved's parsers and lint pipeline with cargo-fuzz (libFuzzer). Not run by CI: too slow.
#
#   scripts/fuzz.sh                 seed the corpora, then fuzz every target in turn
#   scripts/fuzz.sh yaml shell      only these targets
#   scripts/fuzz.sh --seed-only     only (re)seed fuzz/corpus/
#   scripts/fuzz.sh --list          list the targets
#
# Environment:
#   SECONDS_PER_TARGET  fuzzing time per target (default 60)
#   RSS_LIMIT_MB        memory limit; a larger RSS or single allocation is a crash (default 2048)
#   TIMEOUT             seconds one input may take before it counts as a hang (default 10)
#   MAX_LEN             largest input libFuzzer generates, in bytes (default 16384)
#   SANITIZER           address (default) or none (faster; safe Rust needs no ASan to panic)
#   PAVED_CORPUS        real-world files to seed from (default ../shared/corpus beside the repo)
#
# Targets run one at a time, in-process (one core; the libFuzzer default, same as -jobs=1
# -workers=1 but with the stats on stderr). Exits 1 if any target crashed, hung or ran out of
# memory; the input is then in fuzz/artifacts/<target>/. To keep it as a regression test:
#   cargo +nightly fuzz tmin <target> fuzz/artifacts/<target>/crash-...      (or RUSTC_BOOTSTRAP=1)
#   cp the minimised file to tests/fixtures/fuzz/<target>/, fix the parser, and
#   cargo test --test fuzz_regressions  replays every file there.
#
# The working invocation: cargo-fuzz needs a nightly rustc for -Zsanitizer and the sancov
# passes. With a nightly toolchain installed this runs `cargo +nightly fuzz run`; without one
# (no network for rustup) it runs the stable toolchain with RUSTC_BOOTSTRAP=1, which lets stable
# accept the same -Z flags (both checked to build with ASan and catch a panic). By hand, from the
# repo root:
#   cargo +nightly fuzz run --fuzz-dir fuzz -O -a yaml fuzz/corpus/yaml -- \
#     -max_total_time=60 -rss_limit_mb=2048 -timeout=10 -max_len=16384 -print_final_stats=1
# `cargo fuzz run` rebuilds whenever src/ changed; for long runs while others edit the tree,
# `cargo +nightly fuzz build --fuzz-dir fuzz -O -a`, copy fuzz/target/x86_64-unknown-linux-gnu/
# release/<target> aside and run it directly with the same libFuzzer flags (and
# ASAN_OPTIONS=detect_odr_violation=0, as cargo fuzz sets).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FUZZ="$ROOT/fuzz"

CARGO_FUZZ_VERSION="0.13.2"
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-60}"
RSS_LIMIT_MB="${RSS_LIMIT_MB:-2048}"
TIMEOUT="${TIMEOUT:-10}"
MAX_LEN="${MAX_LEN:-16384}"
SANITIZER="${SANITIZER:-address}"
PAVED_CORPUS="${PAVED_CORPUS:-$ROOT/../shared/corpus}"
TARGETS=(yaml dockerfile makefile shell input pipeline suppress golang gotemplate kustomize)
# pipeline's first byte picks the file kind, in the order of fuzz/src/lib.rs KINDS.
declare -A KIND_BYTE=([dockerfile]=0 [makefile]=1 [github]=2 [gitlab]=3 [yaml]=4 [shell]=5 [gomod]=6 [circleci]=7 [ko]=8)

# --- toolchain -----------------------------------------------------------------------------

export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into ~/.cargo/bin" >&2
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
if rustc +nightly --version >/dev/null 2>&1; then
  FUZZ_CARGO=(cargo +nightly fuzz)
else
  FUZZ_CARGO=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
fi

# --- seeds ---------------------------------------------------------------------------------

# add_seed TARGET FILE [PREFIX_BYTE]: copies FILE into the target's corpus under its content
# hash (so reseeding is idempotent), skipping files over 64 KB.
add_seed() {
  local target="$1" file="$2" prefix="${3:-}" dir="$FUZZ/corpus/$1" tmp
  [ "$(stat -c %s "$file")" -le 65536 ] || return 0
  mkdir -p "$dir"
  tmp="$(mktemp "$dir/.seed.XXXXXX")"
  if [ -n "$prefix" ]; then printf "\\x$(printf %02x "$prefix")" >"$tmp"; fi
  cat "$file" >>"$tmp"
  mv "$tmp" "$dir/$(sha1sum "$tmp" | cut -c1-40)"
}

# seed_file FILE: classifies FILE by name as paved's discover::classify does and adds it to
# every target that parses that kind.
seed_file() {
  local f="$1" name lower kind=""
  name="$(basename "$f")"
  lower="${name,,}"
  case "$lower" in
    dockerfile | dockerfile.* | *.dockerfile | containerfile | containerfile.*) kind=dockerfile ;;
  esac
  if [ -z "$kind" ]; then
    case "$name" in Makefile | makefile | GNUmakefile | *.mk | *.MK) kind=makefile ;; esac
  fi
  if [ -z "$kind" ]; then
    case "$f" in
      */templates/*) add_seed gotemplate "$f"; return 0 ;; # not YAML until rendered
      *.go) add_seed golang "$f"; return 0 ;;
      */.github/workflows/*.yml | */.github/workflows/*.yaml) kind=github ;;
      */.gitlab-ci.yml | */.gitlab-ci.yaml) kind=gitlab ;;
      */.circleci/config.yml | */.circleci/config.yaml) kind=circleci ;;
      */.ko.yaml | */.ko.yml) kind=ko ;;
      *.yml | *.yaml | *.YML | *.YAML) kind=yaml ;;
      *.sh | *.bash) kind=shell ;;
      */go.mod) kind=gomod ;;
      *) return 0 ;;
    esac
  fi
  # A kustomization seeds the kustomize target: its text, then (after a NUL) a resource of its
  # directory as the target's a.yaml (see KUSTOMIZE_FILES in fuzz/src/lib.rs).
  case "$name" in
    kustomization.yaml | kustomization.yml)
      local other tmp
      other="$(find "$(dirname "$f")" -maxdepth 1 -name '*.yaml' ! -name 'kustomization.yaml' | sort | head -1)"
      tmp="$(mktemp)"
      { cat "$f"; printf '\0'; [ -n "$other" ] && cat "$other"; } >"$tmp"
      add_seed kustomize "$tmp"
      rm -f "$tmp"
      ;;
  esac
  case "$kind" in
    # RUN lines and recipes are shell too: real scripts are rare, so they seed the shell target.
    dockerfile) add_seed dockerfile "$f" && add_seed shell "$f" ;;
    makefile) add_seed makefile "$f" && add_seed shell "$f" ;;
    github | gitlab | circleci | ko | yaml) add_seed yaml "$f" ;;
    shell) add_seed shell "$f" ;;
  esac
  add_seed input "$f"
  add_seed pipeline "$f" "${KIND_BYTE[$kind]}"
  case "$f" in "$ROOT"/tests/fixtures/*) add_seed suppress "$f" ;; esac
  if grep -q "paved:ignore" "$f"; then add_seed suppress "$f"; fi
}

seed() {
  local t f
  for t in "${TARGETS[@]}"; do
    mkdir -p "$FUZZ/corpus/$t"
    if [ -d "$FUZZ/seeds/$t" ]; then
      for f in "$FUZZ/seeds/$t"/*; do [ -f "$f" ] && add_seed "$t" "$f"; done
    fi
  done
  local sources=("$ROOT/tests/fixtures")
  if [ -d "$PAVED_CORPUS" ]; then sources+=("$PAVED_CORPUS"); else echo "no $PAVED_CORPUS: seeding from tests/fixtures only" >&2; fi
  while IFS= read -r -d '' f; do seed_file "$f"; done < <(find "${sources[@]}" -type f -not -path '*/fuzz/*' -print0)
  # Every crash ever found stays a seed.
  for t in "${TARGETS[@]}"; do
    if [ -d "$ROOT/tests/fixtures/fuzz/$t" ]; then
      for f in "$ROOT/tests/fixtures/fuzz/$t"/*; do [ -f "$f" ] && add_seed "$t" "$f"; done
    fi
  done
  for t in "${TARGETS[@]}"; do echo "seeded $t: $(find "$FUZZ/corpus/$t" -type f | wc -l) files"; done
}

# --- run -----------------------------------------------------------------------------------

run_target() {
  local t="$1" log="$FUZZ/artifacts/$1.log" rc=0
  mkdir -p "$FUZZ/artifacts/$t"
  echo "== $t: ${SECONDS_PER_TARGET}s"
  "${FUZZ_CARGO[@]}" run --fuzz-dir "$FUZZ" -O -a -s "$SANITIZER" "$t" "$FUZZ/corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb="$RSS_LIMIT_MB" -timeout="$TIMEOUT" \
    -max_len="$MAX_LEN" -print_final_stats=1 2>"$log" || rc=$?
  local execs corpus
  execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}')"
  corpus="$(grep -Eo 'corp: [0-9]+/[0-9.]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)"
  echo "   $t: executions ${execs:-?}, corpus ${corpus:-?} (files $(find "$FUZZ/corpus/$t" -type f | wc -l)), exit $rc, log $log"
  if [ "$rc" -ne 0 ]; then
    grep -E "^(==[0-9]+== ?ERROR|thread '.*' panicked|SUMMARY|Test unit written|  *Reproduce)" "$log" | head -20 >&2 || tail -30 "$log" >&2
    return 1
  fi
}

case "${1:-}" in
  --list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
  --seed-only) seed; exit 0 ;;
esac
selected=("$@")
[ "${#selected[@]}" -gt 0 ] || selected=("${TARGETS[@]}")
seed
failed=()
for t in "${selected[@]}"; do run_target "$t" || failed+=("$t"); done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all targets ran ${SECONDS_PER_TARGET}s without a crash"
