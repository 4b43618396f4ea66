#!/bin/sh
set -eu
export A=1 B
unset A
declare -x C="$(echo `date`)"
f() { go test -timeout 5m ./...; }
case $x in a|b) env -i -u X Y=2 sudo -E go build ;; *) : ;; esac
if [ -n "$A" ]; then while read l; do echo "$l"; done < <(ls); fi
for i in 1 2; do (cd x && make) & done; wait
bash -c "sh -c 'go vet'" || true
${A:-${B:=x}} | tee >(cat) 2>&1 >/dev/null
