# clickhunt build, test and demo targets. Go 1.26+ on PATH (or in /usr/local/go/bin).

export PATH := $(PATH):/usr/local/go/bin

GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build test demo bench fmt vet clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/clickhunt ./cmd/clickhunt
	@if [ -d cmd/clickgen ]; then \
		echo $(GO) build -o $(BIN)/clickgen ./cmd/clickgen; \
		$(GO) build -o $(BIN)/clickgen ./cmd/clickgen; \
	fi

# Tests that need the binary build it themselves (TestMain in cmd/clickhunt).
test: vet
	$(GO) test ./...

# Loads the example export into the default database ($CLICKHUNT_DB, else
# the per-user data directory) and runs the sample hunts against it.
demo: build
	$(BIN)/clickhunt ingest examples/clicks.csv
	$(BIN)/clickhunt query -f examples/sample.kql

bench:
	$(GO) test -run '^$$' -bench . ./...

fmt:
	gofmt -w $$(find . -name '*.go' -not -path './vendor/*')

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
