ifeq ($(A),)
ifdef B
X := 1
else ifneq (a,b)
X := 2
endif
.PHONY: all
export GOFLAGS = -mod=mod
export
.EXPORT_ALL_VARIABLES:
all: a b | c
	go test ./... \
	  -race
	-sh -c 'CGO_ENABLED=1 go build'
$(foreach v,a b,$(eval $(v) := 1))
V ?= $(shell echo $$HOME)
W += $(patsubst %.go,%.o,$(wildcard *.go))
%.o: %.c ; $(CC) -c $<
include other.mk
