#!/usr/bin/env bash
# Whole-process benchmark of `paved lint` against its parse-only floor and the peer tools, on
# the real corpus and a scaled one, plus the linearity check and `paved new`. Prints a Markdown
# report and writes it to bench/results/<date>.md (raw measurements: <date>.jsonl).
#
# Usage: bench/run.sh [options]
#   --work DIR            corpora and outputs (default /tmp/paved-bench)
#   --runs N              timed runs per measurement, after one warm-up (default 5)
#   --checkov MODE        sample (default): full checkov on the real corpus; on the scaled
#                         corpus a subsample, extrapolated per file and labelled so;
#                         full: also the whole scaled corpus (~20 min, and checkov needed
#                         23.7 GB for 10,000 manifests: it can exhaust a shared machine);
#                         skip: no checkov at all
#   --checkov-fraction F  size of the checkov subsample relative to the scaled corpus (0.05)
#   --scales "1 2 4"      scaled-corpus sizes for the linearity check ("" to skip)
#   --paved BIN           use this paved binary instead of building one
#   --no-scaled           only the real corpus (and `paved new`)
#   --quick               --runs 3, --scales "1 2", checkov sample fraction 0.02
#
# Needs: bench/setup-peers.sh (peers; a missing peer skips its rows with a note), python3.
# Builds paved with CARGO_TARGET_DIR (default /tmp/target-bench, to keep out of the way of
# other builds). PAVED_PARSE_ONLY=1 makes `paved lint` read, parse and build every policy
# input but evaluate no policy: the floor row.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
WORK=/tmp/paved-bench
RUNS=5
CHECKOV=sample
CHECKOV_FRACTION=0.05
SCALES="1 2 4"
PAVED=""
SCALED=1
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --checkov) CHECKOV="$2"; shift 2 ;;
    --checkov-fraction) CHECKOV_FRACTION="$2"; shift 2 ;;
    --scales) SCALES="$2"; shift 2 ;;
    --paved) PAVED="$2"; shift 2 ;;
    --no-scaled) SCALED=0; shift ;;
    --quick) RUNS=3; SCALES="1 2"; CHECKOV_FRACTION=0.02; shift ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$CHECKOV" in sample | full | skip) ;; *) echo "run.sh: --checkov sample|full|skip" >&2; exit 2 ;; esac

log() { printf 'run.sh: %s\n' "$*" >&2; }
# Backtrace capture makes every anyhow error walk the stack: not what users run.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
TOOLS="${PAVED_TOOLS:-$HOME/.cache/paved-tools}"
if [ -f "$TOOLS/env.sh" ]; then
  # shellcheck source=/dev/null
  . "$TOOLS/env.sh"
else
  log "no $TOOLS/env.sh: run bench/setup-peers.sh first; peers will be skipped"
fi
have() { command -v "$1" >/dev/null 2>&1; }

DATE="$(date -u +%Y-%m-%d)"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$WORK" "$HERE/results"
RESULTS="$WORK/results-$STAMP.jsonl"
: >"$RESULTS"
OUTS="$WORK/out"
mkdir -p "$OUTS"
MEASURE=(python3 "$HERE/measure.py" --out "$RESULTS" --runs "$RUNS")

# 1. paved, release build.
if [ -z "$PAVED" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/target-bench}"
  log "cargo build --release (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$REPO" && cargo build --release --quiet)
  PAVED="$CARGO_TARGET_DIR/release/paved"
fi
PAVED="$(cd "$(dirname "$PAVED")" && pwd)/$(basename "$PAVED")"

# 2. Corpora.
"$HERE/make-corpus.sh" "$WORK/real" --real
if [ "$SCALED" = 1 ]; then
  for s in 1 $SCALES; do "$HERE/make-corpus.sh" "$WORK/scaled-$s" --scale "$s"; done
  if [ "$CHECKOV" = sample ]; then
    "$HERE/make-corpus.sh" "$WORK/checkov-sample" --scale "$CHECKOV_FRACTION"
  fi
fi
mkdir -p "$WORK/empty"

count() { find "$@" -type f | wc -l | tr -d ' '; }
# Top-level charts only: DIR/charts/cNNNN/charts/NAME/Chart.yaml (subcharts are deeper).
count_charts() { find "$1/charts" -mindepth 4 -maxdepth 4 -name Chart.yaml 2>/dev/null | wc -l | tr -d ' '; }
# Files linted as files (charts are counted apart: they are rendered as units).
surface_files() { # DIR → "all manifests dockerfiles makefiles workflows charts"
  local m d k w
  m=$(count "$1/manifests") d=$(count "$1/dockerfiles") k=$(count "$1/makefiles") w=$(count "$1/workflows")
  echo "$((m + d + k + w)) $m $d $k $w $(count_charts "$1")"
}

# conftest stops the whole run at the first file it cannot parse (the corpus has a few
# template files that are not YAML); they are ignored by name, and its file count says so.
CONFTEST_IGNORE=""
CONFTEST_SKIPPED=0
if have conftest; then
  bad="$WORK/conftest-unparseable.txt"
  if [ ! -f "$bad" ]; then
    log "finding the manifests conftest cannot parse"
    (cd "$WORK/real" && find manifests -type f | LC_ALL=C sort | while IFS= read -r f; do
      conftest parse "$f" >/dev/null 2>&1 || basename "$f"
    done) | LC_ALL=C sort -u >"$bad"
  fi
  if [ -s "$bad" ]; then
    CONFTEST_IGNORE="($(sed 's/[.[\*^$()+?{|]/\\&/g' "$bad" | paste -sd'|'))\$"
  fi
fi
conftest_skipped_in() { # DIR/manifests → number of files the ignore pattern drops
  if [ -n "$CONFTEST_IGNORE" ]; then find "$1" -type f | grep -cE "$CONFTEST_IGNORE" || true; else echo 0; fi
}

CHECKOV_SURFACE="manifests+dockerfiles+workflows"

# measure_corpus GROUP DIR: every row on one corpus.
measure_corpus() {
  local group="$1" dir="$2" all m d k w c
  read -r all m d k w c <<<"$(surface_files "$dir")"
  log "[$group] $all files ($m manifests, $d Dockerfiles, $k Makefiles, $w workflows) + $c charts"
  local o="$OUTS/$group"
  mkdir -p "$o"

  # paved on everything, and its floor.
  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface all --files "$all" \
    --note "+ $c Helm charts" --stdout "$o/paved-all.json" --cwd "$dir" -- \
    "$PAVED" lint --no-config --format json .
  "${MEASURE[@]}" --name "paved parse-only floor" --role floor --vs "paved lint" --group "$group" \
    --surface all --files "$all" --note "PAVED_PARSE_ONLY=1; + $c Helm charts" \
    --stdout "$o/paved-floor.json" --cwd "$dir" --env PAVED_PARSE_ONLY=1 -- \
    "$PAVED" lint --no-config --format json .
  if python3 - "$o/paved-floor.json" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(1 if any(f["rule"] != "parse-error" for f in r["findings"]) else 0)
PY
    :
  else
    log "PAVED_PARSE_ONLY=1 is not honoured by this paved: the floor row is really a full lint"
    python3 - "$RESULTS" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
lines[-1]["ok"] = False
lines[-1]["error"] = "PAVED_PARSE_ONLY=1 not honoured by this build (policy findings in the output)"
open(sys.argv[1], "w").write("".join(json.dumps(l) + "\n" for l in lines))
PY
  fi

  # What checkov checks (its kubernetes, dockerfile and github_actions frameworks; it has
  # nothing for Makefiles and does not render charts): the files of its comparison.
  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface "$CHECKOV_SURFACE" \
    --files "$((m + d + w))" --stdout "$o/paved-checkov-surfaces.json" --cwd "$dir" -- \
    "$PAVED" lint --no-config --format json manifests dockerfiles workflows

  # Per surface: paved and the peer on the same files.
  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface manifests --files "$m" \
    --stdout "$o/paved-manifests.json" --cwd "$dir" -- "$PAVED" lint --no-config --format json manifests
  if have kube-linter; then
    "${MEASURE[@]}" --name "kube-linter" --vs "paved lint" --group "$group" --surface manifests --files "$m" \
      --stdout "$o/kube-linter.txt" --cwd "$dir" -- \
      kube-linter lint --config "$HERE/peer-policies/kube-linter.yaml" manifests
  fi
  if have conftest; then
    local skipped
    skipped="$(conftest_skipped_in "$dir/manifests")"
    local ignore=()
    [ -n "$CONFTEST_IGNORE" ] && ignore=(--ignore "$CONFTEST_IGNORE")
    "${MEASURE[@]}" --name "conftest" --vs "paved lint" --group "$group" --surface manifests \
      --files "$((m - skipped))" --note "$skipped unparseable template files ignored" \
      --stdout "$o/conftest.txt" --cwd "$dir" -- \
      conftest test --no-color "${ignore[@]}" --policy "$HERE/peer-policies/conftest" manifests
  fi

  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface dockerfiles --files "$d" \
    --stdout "$o/paved-dockerfiles.json" --cwd "$dir" -- "$PAVED" lint --no-config --format json dockerfiles
  if have hadolint; then
    find "$dir/dockerfiles" -type f | LC_ALL=C sort >"$o/dockerfiles.list"
    # One process over all files (xargs would split a long list: refuse that).
    [ "$(wc -c <"$o/dockerfiles.list")" -lt 100000 ] || log "warning: long Dockerfile list"
    mapfile -t dfs <"$o/dockerfiles.list"
    "${MEASURE[@]}" --name "hadolint" --vs "paved lint" --group "$group" --surface dockerfiles --files "$d" \
      --stdout "$o/hadolint.txt" --cwd "$dir" -- hadolint --no-color "${dfs[@]}"
  fi

  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface workflows --files "$w" \
    --stdout "$o/paved-workflows.json" --cwd "$dir" -- "$PAVED" lint --no-config --format json workflows
  if have actionlint; then
    find "$dir/workflows" -type f | LC_ALL=C sort >"$o/workflows.list"
    mapfile -t wfs <"$o/workflows.list"
    "${MEASURE[@]}" --name "actionlint" --vs "paved lint" --group "$group" --surface workflows --files "$w" \
      --note "shellcheck/pyflakes: $(have shellcheck && echo on PATH || echo absent)" \
      --stdout "$o/actionlint.txt" --cwd "$dir" -- actionlint -no-color "${wfs[@]}"
  fi

  "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface makefiles --files "$k" \
    --stdout "$o/paved-makefiles.json" --cwd "$dir" -- "$PAVED" lint --no-config --format json makefiles
  if [ "$c" -gt 0 ]; then
    "${MEASURE[@]}" --name "paved lint" --role paved --group "$group" --surface "charts" --files "$c" \
      --note "charts rendered in-process" --stdout "$o/paved-charts.json" --cwd "$dir" -- \
      "$PAVED" lint --no-config --format json charts
  fi
}

# checkov_rows GROUP DIR MODE: checkov's three frameworks on the manifests, Dockerfiles and
# workflows (compared with paved on the same three directories), or on a subsample of them,
# extrapolated per file.
CHECKOV_ARGS=(--framework kubernetes,dockerfile,github_actions --skip-download --quiet)
CHECKOV_DIRS=(-d manifests -d dockerfiles -d workflows)
checkov_rows() {
  local group="$1" dir="$2" mode="$3" all m d k w c
  have checkov || { log "checkov missing: skipped"; return 0; }
  read -r all m d k w c <<<"$(surface_files "$dir")"
  local cruns=$((RUNS < 3 ? RUNS : 3))
  if [ "$mode" = full ]; then
    "${MEASURE[@]}" --runs "$cruns" --warmup 0 --tree --name "checkov" --vs "paved lint" --group "$group" \
      --surface "$CHECKOV_SURFACE" --files "$((m + d + w))" \
      --stdout "$OUTS/$group/checkov.txt" --cwd "$dir" -- checkov "${CHECKOV_DIRS[@]}" "${CHECKOV_ARGS[@]}"
    return 0
  fi
  local sample="$WORK/checkov-sample" sm sd sw
  read -r _ sm sd _ sw _ <<<"$(surface_files "$sample")"
  mkdir -p "$OUTS/$group"
  "${MEASURE[@]}" --runs "$cruns" --warmup 0 --tree --name "checkov (startup, empty dir)" \
    --role checkov-startup --group "$group" --surface none --files 0 \
    --stdout "$OUTS/$group/checkov-empty.txt" --cwd "$WORK/empty" -- checkov -d . "${CHECKOV_ARGS[@]}"
  "${MEASURE[@]}" --runs "$cruns" --warmup 0 --tree --name "checkov (subsample)" --role checkov-sample \
    --group "$group" --surface "$CHECKOV_SURFACE" --files "$((sm + sd + sw))" \
    --note "make-corpus --scale $CHECKOV_FRACTION" \
    --stdout "$OUTS/$group/checkov-sample.txt" --cwd "$sample" -- checkov "${CHECKOV_DIRS[@]}" "${CHECKOV_ARGS[@]}"
  python3 "$HERE/report.py" extrapolate "$RESULTS" --group "$group" --files "$((m + d + w))" --vs "paved lint"
}

# 3. The real corpus (checkov in full: ~900 files), then the scaled one.
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
measure_corpus real "$WORK/real"
[ "$CHECKOV" = skip ] || checkov_rows real "$WORK/real" full
if [ "$SCALED" = 1 ]; then
  measure_corpus scaled "$WORK/scaled-1"
  case "$CHECKOV" in
    full) checkov_rows scaled "$WORK/scaled-1" full ;;
    sample) checkov_rows scaled "$WORK/scaled-1" sample ;;
  esac
  # 4. Linearity: paved on 1x, 2x, 4x (3 runs each at most: 4x is ~50,000 files).
  for s in $SCALES; do
    read -r all _ _ _ _ c <<<"$(surface_files "$WORK/scaled-$s")"
    "${MEASURE[@]}" --runs "$((RUNS < 3 ? RUNS : 3))" --name "paved lint" --role linearity \
      --group "linearity" --surface "${s}x" --files "$all" --note "+ $c Helm charts" \
      --stdout "$OUTS/linearity-$s.json" --cwd "$WORK/scaled-$s" -- \
      "$PAVED" lint --no-config --format json .
  done
fi

# 4b. Kustomize: one `paved lint` of the corpus's kustomization trees (every root built
# in-process, then linted) against one `kustomize build` per root (output discarded).
KDIR="$WORK/kustomize"
if [ ! -d "$KDIR" ]; then
  mkdir -p "$KDIR"
  (cd /work/shared/corpus && for d in gorepos/metrics-server/manifests gorepos/podinfo/deploy gorepos/podinfo/kustomize \
    gorepos/source-controller/config manifests/microservices-demo/kustomize manifests/microservices-demo/kubernetes-manifests; do
    cp -r --parents "$d" "$KDIR/"
  done
  find manifests/kubebuilder-testdata -type d -name config -exec cp -r --parents {} "$KDIR/" \;)
fi
python3 "$REPO/scripts/kustomize-diff.py" --roots --list "$KDIR" >"$WORK/kustomize-roots.txt"
nroots=$(wc -l <"$WORK/kustomize-roots.txt" | tr -d ' ')
nk=$(find "$KDIR" -type f | wc -l | tr -d ' ')
"${MEASURE[@]}" --name "paved lint" --role paved --group kustomize --surface kustomizations --files "$nk" \
  --note "$nroots roots built and linted in one run" --stdout "$OUTS/kustomize-paved.json" --cwd "$KDIR" -- \
  "$PAVED" lint --no-config --no-default-excludes --format json .
if have kustomize; then
  "${MEASURE[@]}" --name "kustomize build (once per root)" --vs "paved lint" --group kustomize \
    --surface kustomizations --files "$nk" --note "$nroots roots, build only (no lint); $(kustomize version)" \
    --ok-codes 0 --stdout "$OUTS/kustomize-builds.txt" --cwd "$KDIR" -- \
    bash -c 'while read -r r; do kustomize build "$r" >/dev/null || exit 1; done <"$1"' _ "$WORK/kustomize-roots.txt"
else
  log "no kustomize on PATH (scripts/setup-test-tools.sh installs it): its row is skipped"
fi

# 5. `paved new`: 100 runs, median (hyperfine when available).
NEWDIR="$WORK/new"
rm -rf "$NEWDIR"
mkdir -p "$NEWDIR"
NEW_CMD=("$PAVED" new demo --dir "$NEWDIR/demo" --module github.com/acme/demo --yes --force)
NEW_PINNED=("${NEW_CMD[@]}" --go-version 1.25)
for variant in default pinned; do
  if [ "$variant" = default ]; then cmd=("${NEW_CMD[@]}"); note="Go version from \`go env GOVERSION\`"
  else cmd=("${NEW_PINNED[@]}"); note="--go-version given: no \`go\` subprocess"; fi
  if have hyperfine; then
    hyperfine -N --runs 100 --warmup 5 --export-json "$OUTS/new-$variant.json" \
      "$(printf '%q ' "${cmd[@]}")" >/dev/null 2>&1
    python3 "$HERE/report.py" import-hyperfine "$RESULTS" "$OUTS/new-$variant.json" \
      --name "paved new ($variant)" --note "$note"
  else
    "${MEASURE[@]}" --runs 100 --warmup 5 --name "paved new ($variant)" --role new --group new \
      --surface new --files 0 --note "$note" -- "${cmd[@]}"
  fi
done
# Peak RSS of one `paved new` (hyperfine does not measure memory).
"${MEASURE[@]}" --runs 3 --warmup 0 --name "paved new (RSS probe)" --role new-rss --group new \
  --surface new --files 0 -- "${NEW_CMD[@]}"

# 6. The report.
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
REPORT="$HERE/results/$DATE.md"
cp "$RESULTS" "$HERE/results/$DATE.jsonl"
python3 "$HERE/report.py" render "$RESULTS" --paved "$PAVED" --repo "$REPO" \
  --load "$LOAD_START -> $LOAD_END" --checkov-mode "$CHECKOV" --checkov-fraction "$CHECKOV_FRACTION" \
  --work "$WORK" --versions "$TOOLS/peers-versions.txt" | tee "$REPORT"
log "report: $REPORT (raw: $HERE/results/$DATE.jsonl)"
