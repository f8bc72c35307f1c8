# slogx — the two commands that matter are `make demo` and `make test`.
GO ?= go
export GOFLAGS ?= -buildvcs=false

.PHONY: demo test vet test-main test-bench test-interop bench cross wine api

demo:
	$(GO) run ./examples/demo

test: vet test-main test-bench test-interop

vet:
	$(GO) vet ./...
	cd benchmarks && $(GO) vet ./...
	cd interop && $(GO) vet ./...

# -race everywhere; integration tests with real peers (python3, rsyslogd, SMTP, HTTP) are
# ordinary tests that skip locally when a peer is missing and fail under CI=true. Allocation
# checks skip under -race (sync.Pool drops items there), so they run once more without it.
test-main:
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run 'Allocs' ./...

test-bench:
	cd benchmarks && $(GO) test -race -count=1 ./...

# The OpenTelemetry Collector's receivers, in process (its own module: the Collector's
# dependencies stay out of the main go.mod). The first build takes about a minute.
test-interop:
	cd interop && $(GO) test -race -count=1 ./...

# api/v1.txt records the exported surface; TestAPIRecord (internal/apicheck) fails when the
# code differs from it. After a deliberate change to the surface, rewrite it:
api:
	$(GO) run ./internal/apicheck -w

bench:
	cd benchmarks && bash run.sh

cross:
	bash .ci/cross.sh

# The Windows event log tests as a real Windows binary under wine.
wine:
	bash .ci/wine.sh
