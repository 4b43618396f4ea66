ARG A=${B:-${C:+x}}
ARG B=$A$A$A$A
FROM img:${A}@sha256:abc AS s
FROM s
EXPOSE 80/tcp
LABEL a=b "c d"=e
USER ${UID:-0}
