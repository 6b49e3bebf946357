# What CI (.ci/run) calls, and what a developer runs before sending a change.
#   make test   the README's test command: every test, race detector on
#   make lint   gofmt, go vet, staticcheck, go mod tidy, import fences
#   make fuzz   every fuzz target, FUZZTIME each beyond its seed corpus

# staticcheck is pinned and built from the module proxy by go run, so a clean
# machine needs nothing but Go; it stays out of go.mod (the product's graph).
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 10s

.PHONY: test lint fuzz

test:
	go test -race -count=1 -timeout 20m ./...

lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...
	go mod tidy -diff
	go test -count=1 ./internal/archtest/

# Every `func FuzzX` in a _test.go file, found afresh each run so a new
# target is fuzzed without editing this file. -fuzz takes one target per
# package and run; a failure leaves its input in that package's testdata/fuzz.
#
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" when -fuzztime runs out while a worker is mid-input
# (golang/go#75804, fixed in Go 1.27); it writes no failing input. Such a
# run is repeated once with an execution count (-fuzztime $(FUZZCOUNT)),
# which has no deadline to race; a failure that wrote an input, or any
# other failure, fails at once.
FUZZCOUNT ?= 2000x
fuzz:
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		dir=$$(dirname "$$file"); \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$file"); do \
			echo "go test -run '^\$$' -fuzz '^$$target\$$' -fuzztime $(FUZZTIME) $$dir/"; \
			log=$$(mktemp); \
			if go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$dir/" >"$$log" 2>&1; then cat "$$log"; rm -f "$$log"; continue; fi; \
			cat "$$log"; \
			if grep -q 'context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
				rm -f "$$log"; \
				echo "$$target: the Go 1.26 fuzztime deadline race (golang/go#75804), no failing input: again with -fuzztime $(FUZZCOUNT)"; \
				go test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZCOUNT) "$$dir/"; \
			else rm -f "$$log"; exit 1; fi; \
		done; \
	done
