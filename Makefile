# The index of carve's habits. `make test` is what CI runs (.ci/run).
GO       ?= go
PKGS     := ./...
STATICCHECK_VERSION := v0.7.0

.PHONY: build test test-short lint bench fuzz golden dogfood clean

build: ## build the carve binary (pure Go, static)
	CGO_ENABLED=0 $(GO) build -o carve ./cmd/carve

test: ## everything CI runs: vet, all tests (integration tier included), proxy under -race
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 25m $$($(GO) list $(PKGS) | grep -v '/strangler')
	$(GO) test -race -count=1 -timeout 15m ./strangler/...

test-short: ## fast hermetic unit tests only (no databases, browsers, nginx)
	$(GO) test -short $(PKGS)

lint: ## gofmt, go vet, staticcheck at a pinned version
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v -e '^testdata/' -e '/testdata/'))" || (gofmt -l $$(git ls-files '*.go' | grep -v -e '^testdata/' -e '/testdata/'); exit 1)
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

bench: ## Go benchmarks (see BENCHMARKS.md for the scripted ones under bench/)
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

fuzz: ## run each fuzz target for a while
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t/*_test.go | sed 's/func //'); do \
	    echo "== $$t $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 30s $$t || exit 1; \
	  done; done

golden: ## refresh golden files after an intended output change
	$(GO) test ./analyzer/dbsplit ./analyzer/decompose ./report ./report/graph ./report/render ./strangler/export -update

dogfood: ## carve checks carve's own boundaries (carve.yaml at the root)
	$(GO) run ./cmd/carve check .

clean:
	rm -f carve
