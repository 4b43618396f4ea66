#!/usr/bin/env bash
# Builds a benchmark corpus in OUT from the real-world corpus (/work/shared/corpus, or
# $PAVED_CORPUS): real file contents, replicated under renamed paths, laid out by surface so
# every tool can be pointed at the same files:
#
#   OUT/manifests/cNNNN/<path in corpus>     Kubernetes YAML (*.yaml, *.yml under manifests/)
#   OUT/dockerfiles/cNNNN/<path in corpus>   Dockerfiles (names kept: Dockerfile, *.Dockerfile, ...)
#   OUT/makefiles/cNNNN/<path in corpus>     Makefiles (Makefile, makefile, GNUmakefile, *.mk)
#   OUT/workflows/cNNNN/<path in corpus>     GitHub Actions workflows (under .github/workflows/)
#   OUT/charts/cNNNN/<chart>/                whole Helm chart directories
#
# Copy cNNNN of a surface holds every source file of that surface (sorted by path); the last
# copy holds only the first files, so each surface has exactly the count asked for.
#
# Usage:
#   bench/make-corpus.sh OUT [--scale F] [--manifests N] [--dockerfiles N] [--makefiles N]
#                            [--workflows N] [--charts N]
#   bench/make-corpus.sh OUT --real        one copy of every file: the real corpus, re-laid out
#
# Defaults: 10000 manifests, 1000 Dockerfiles, 1000 Makefiles, 1000 workflows, 100 charts,
# each multiplied by --scale (1, 2, 4 for the linearity check; fractions for a subsample).
# OUT is replaced if it holds a corpus this script made (a .paved-bench-corpus stamp);
# otherwise it must be empty or absent. With the same arguments a second run is a no-op.
set -euo pipefail

SRC="${PAVED_CORPUS:-/work/shared/corpus}"
die() { printf 'make-corpus: %s\n' "$*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $0 OUT [--real] [--scale F] [--manifests N] [--dockerfiles N] [--makefiles N] [--workflows N] [--charts N]"
OUT="$1"; shift
scale=1 real=0
n_manifests=10000 n_dockerfiles=1000 n_makefiles=1000 n_workflows=1000 n_charts=100
while [ $# -gt 0 ]; do
  case "$1" in
    --real) real=1; shift ;;
    --scale) scale="$2"; shift 2 ;;
    --manifests) n_manifests="$2"; shift 2 ;;
    --dockerfiles) n_dockerfiles="$2"; shift 2 ;;
    --makefiles) n_makefiles="$2"; shift 2 ;;
    --workflows) n_workflows="$2"; shift 2 ;;
    --charts) n_charts="$2"; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[ -d "$SRC" ] || die "no corpus at $SRC"

# Source lists, relative to SRC, sorted so every run picks the same files.
lists="$(mktemp -d)"
trap 'rm -rf "$lists"' EXIT
(
  cd "$SRC"
  find manifests -type f \( -name '*.yaml' -o -name '*.yml' \) | LC_ALL=C sort >"$lists/manifests"
  find . -type f \( -iname dockerfile -o -iname 'dockerfile.*' -o -iname '*.dockerfile' \
    -o -iname containerfile -o -iname 'containerfile.*' \) -not -path './charts/*' |
    sed 's|^\./||' | LC_ALL=C sort >"$lists/dockerfiles"
  find . -type f \( -name Makefile -o -name makefile -o -name GNUmakefile -o -name '*.mk' \) \
    -not -path './charts/*' | sed 's|^\./||' | LC_ALL=C sort >"$lists/makefiles"
  find . -type f -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) |
    sed 's|^\./||' | LC_ALL=C sort >"$lists/workflows"
  find . -name Chart.yaml -type f | sed 's|^\./||; s|/Chart.yaml$||' |
    awk '{ for (i in seen) if (index($0, i "/") == 1) next; seen[$0]; print }' |
    LC_ALL=C sort >"$lists/charts"
)

count_of() { wc -l <"$lists/$1" | tr -d ' '; }
if [ "$real" = 1 ]; then
  for s in manifests dockerfiles makefiles workflows charts; do eval "n_$s=$(count_of "$s")"; done
else
  for s in manifests dockerfiles makefiles workflows charts; do
    eval "v=\$n_$s"
    eval "n_$s=$(python3 -c "import sys; print(max(0, round(float(sys.argv[1]) * float(sys.argv[2]))))" "$v" "$scale")"
  done
fi

spec="src=$SRC manifests=$n_manifests dockerfiles=$n_dockerfiles makefiles=$n_makefiles workflows=$n_workflows charts=$n_charts"
if [ -f "$OUT/.paved-bench-corpus" ] && [ "$(cat "$OUT/.paved-bench-corpus")" = "$spec" ]; then
  printf 'make-corpus: %s already holds %s\n' "$OUT" "$spec" >&2
  exit 0
fi
if [ -e "$OUT" ]; then
  if [ -f "$OUT/.paved-bench-corpus" ]; then
    rm -rf "$OUT"
  elif [ -n "$(ls -A "$OUT")" ]; then
    die "$OUT exists, is not empty and was not made by this script"
  fi
fi
mkdir -p "$OUT"

# replicate SURFACE N: copy the listed entries (files, or whole chart directories) until N are
# placed; one tar pipe per copy (a process per file is far too slow on a busy machine).
replicate() {
  local surface="$1" want="$2" have copy=0 left take dest
  have="$(count_of "$surface")"
  [ "$want" -gt 0 ] || return 0
  [ "$have" -gt 0 ] || die "no $surface in $SRC"
  left="$want"
  while [ "$left" -gt 0 ]; do
    copy=$((copy + 1))
    take=$((left < have ? left : have))
    dest="$OUT/$surface/$(printf 'c%04d' "$copy")"
    mkdir -p "$dest"
    if [ "$surface" = charts ]; then
      head -n "$take" "$lists/$surface" | tar -C "$SRC" -cf - -T - | tar -C "$dest" -xf -
    else
      head -n "$take" "$lists/$surface" | tar -C "$SRC" -cf - --no-recursion -T - | tar -C "$dest" -xf -
    fi
    left=$((left - take))
  done
}

replicate manifests "$n_manifests"
replicate dockerfiles "$n_dockerfiles"
replicate makefiles "$n_makefiles"
replicate workflows "$n_workflows"
replicate charts "$n_charts"

printf '%s\n' "$spec" >"$OUT/.paved-bench-corpus"
printf 'make-corpus: %s: %s\n' "$OUT" "$spec" >&2
