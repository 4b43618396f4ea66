# syntax=docker/dockerfile:1
# escape=`
ARG BASE=golang:1.22
FROM ${BASE} AS build
RUN <<EOT bash
  set -e
  go build ./...
EOT
COPY <<-EOF <<'END' /x
	one
	EOF
two
END
RUN go test `
  ./...
FROM scratch
COPY --from=build /x /x
USER 1000:1000
