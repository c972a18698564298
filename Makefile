# qcode — the commands a developer needs. `make test` is what CI runs.
GO      ?= go
PKGS    := ./...
FUZZTIME ?= 5s

.PHONY: build run demo test bench fuzz lint clean

build:
	$(GO) build -o bin/qcode ./cmd/qcode

# run opens the TUI on the demo project (created on first use).
run demo:
	$(GO) run ./cmd/qcode demo

# test runs every test, the fuzz targets' seed corpora included, with the race detector.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

# bench prints each measured figure beside its budget from DESIGN.md. The
# large fixtures (1,000,000 segments, 5,000,000 codings) are built once into
# .bench/ and reused. -v: go test cuts a benchmark's log after ten lines
# otherwise, and the figures after the tenth were lost.
bench:
	$(GO) test -v -run '^$$' -bench . -benchtime 1x -timeout 60m $(PKGS)

# fuzz runs each fuzz target for FUZZTIME (default 5s).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
