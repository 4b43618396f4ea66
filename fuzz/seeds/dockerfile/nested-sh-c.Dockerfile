FROM busybox:latest
ENV A=1 B="$A x"
RUN sh -c "bash -c 'sh -c \"env -i X=1 CGO_ENABLED=1 go build\"'"
RUN ["sh", "-c", "go test ./..."]
RUN ["broken
ONBUILD RUN make
HEALTHCHECK CMD curl -f http://x || exit 1
CMD \
