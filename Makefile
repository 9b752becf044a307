# langflix-operator Makefile. `make help` lists the targets.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

# Tools and Kubernetes binaries are built from the Go module proxy and cached outside the clone.
LANGFLIX_CACHE ?= $(HOME)/.cache/langflix
export LANGFLIX_CACHE
CONTROLLER_TOOLS_VERSION ?= v0.23.0
STATICCHECK_VERSION ?= v0.8.2
CONTROLLER_GEN ?= $(LANGFLIX_CACHE)/tools/controller-gen-$(CONTROLLER_TOOLS_VERSION)/controller-gen
STATICCHECK ?= $(LANGFLIX_CACHE)/tools/staticcheck-$(STATICCHECK_VERSION)/staticcheck

BIN ?= bin
IMG_MANAGER ?= langflix-operator:latest
IMG_RUNNER ?= langflix-runner:latest
GO_TEST_FLAGS ?= -count=1 -timeout=30m
FUZZTIME ?= 10s
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-16s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

.PHONY: demo
demo: ## From a fresh clone: local cluster, helm install, a VideoTask, SlideTask and CleanupPolicy on Sintel.
	hack/demo.sh

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate CRDs and RBAC from the API types and kubebuilder markers, and docs/api.md from the CRDs.
	$(CONTROLLER_GEN) rbac:roleName=langflix-operator crd paths="./api/..." paths="./controllers/task" paths="./controllers/cleanuppolicy" \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	@if [ -d charts/langflix-operator/crds ]; then cp config/crd/bases/*.yaml charts/langflix-operator/crds/; fi
	@mkdir -p charts/langflix-operator/files/admission && cp config/admission/*-policy.yaml charts/langflix-operator/files/admission/
	go run ./hack/apidocs -crds config/crd/bases -out docs/api.md

.PHONY: generate
generate: controller-gen ## Generate deepcopy code.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Run gofmt on the code.
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...
	cd hack/localnode && go vet ./...

.PHONY: lint
lint: staticcheck lint-api ## Check formatting, go vet, staticcheck and the API types (kube-api-linter).
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(STATICCHECK) ./...

.PHONY: lint-api
lint-api: golangci-kal ## Lint the API types in api/ with kube-api-linter (.golangci-kal.yml; part of `make lint`).
	"$$(hack/build-tools.sh path golangci-kal)" run --config .golangci-kal.yml ./api/...

.PHONY: verify
verify: manifests generate ## Fail when generated files are out of date.
	@if [ -n "$$(git status --porcelain -- api config charts docs/api.md)" ]; then \
		echo "Generated files drifted; run 'make manifests generate' and commit:"; git status --porcelain -- api config charts docs/api.md; git diff -- api config charts docs/api.md | head -50; exit 1; fi

.PHONY: envtest
envtest: ## Build (or find cached) kube-apiserver, etcd and kubectl for envtest.
	@hack/build-k8s-binaries.sh envtest >/dev/null

ENVTEST_ASSETS = $(if $(KUBEBUILDER_ASSETS),$(KUBEBUILDER_ASSETS),$(shell hack/build-k8s-binaries.sh path))

.PHONY: test
test: manifests generate vet envtest ## Run unit, envtest and runner tests (real kube-apiserver, ffmpeg, redis).
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test $(GO_TEST_FLAGS) $$(go list ./... | grep -v '/test/security$$')
	$(MAKE) test-security
	cd hack/localnode && go test $(GO_TEST_FLAGS) ./...
	$(MAKE) fuzz-short

.PHONY: test-security
test-security: envtest ## Security suite on envtest: every escalation attempt through a task ("N attempts, 0 succeeded").
	KUBEBUILDER_ASSETS="$(ENVTEST_ASSETS)" go test $(GO_TEST_FLAGS) ./test/security/ -v -args -ginkgo.no-color

.PHONY: test-e2e
test-e2e: ## End-to-end suite: own local cluster, helm install, real runner processes (E2E_KEEP_CLUSTER=1 keeps it).
	hack/e2e.sh

.PHONY: chaos
chaos: ## Fault harness (issue 8) on its own local cluster: operator kills, evictions, Job deletions, API server restart, bad manifests (CHAOS_SHORT=1: short version).
	hack/chaos.sh

.PHONY: check-fresh
check-fresh: ## Run `make demo` as a new user would: new project cache and cluster folder, own ports (hack/fresh-check.sh).
	hack/fresh-check.sh

.PHONY: clean-cache
clean-cache: ## Stop every local cluster under LANGFLIX_CACHE and delete the cache (binaries, tools, clusters).
	hack/clean-cache.sh

.PHONY: fuzz-short
fuzz-short: ## Run each fuzz target briefly (FUZZTIME, default 10s).
	go test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s ./runner/subtitles/
	go test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s ./runner/subtitles/

.PHONY: check-chart
check-chart: ## Lint and render the Helm chart; compare its CRDs and RBAC with config/ (server dry-run when KUBECONFIG is set).
	hack/check-chart.sh

.PHONY: bench
bench: ## Run the runner benchmark (cuts 5 clips from a 10-minute 720p video; prints ratios).
	go test -run='^$$' -bench=BenchmarkCut -benchtime=1x ./runner/media/

.PHONY: bench-scale
bench-scale: ## Scale benchmark on kwok nodes: N tasks vs N bare Jobs, API writes, manager memory (SCALE_N=10000, about 1 h; docs/benchmarks.md).
	hack/bench-scale.sh

##@ Build

.PHONY: build
build: generate ## Build the manager, runner and kubectl-langflix binaries into bin/ (versions stamped from git).
	BIN=$(BIN) VERSION=$(VERSION) hack/build-binaries.sh manager runner plugin

.PHONY: plugin-dist
plugin-dist: ## kubectl-langflix archives per OS/arch with sha256 and the krew manifest, in dist/plugin/.
	hack/plugin-dist.sh

.PHONY: run
run: manifests generate ## Run the manager against the cluster in KUBECONFIG.
	go run ./cmd/manager --runner-image=$(IMG_RUNNER)

.PHONY: docker-build
docker-build: ## Build both images (needs a container engine; none runs on the CI machines).
	docker build --target manager -t $(IMG_MANAGER) .
	docker build --target runner -t $(IMG_RUNNER) .

##@ Deployment

.PHONY: install
install: manifests ## Install the CRDs into the cluster in KUBECONFIG.
	kubectl apply --server-side -f config/crd/bases

.PHONY: uninstall
uninstall: manifests ## Remove the CRDs (and with them every task) from the cluster in KUBECONFIG.
	kubectl delete --ignore-not-found -f config/crd/bases

.PHONY: deploy
deploy: manifests ## Deploy the operator with kustomize (kubectl -k).
	kubectl apply --server-side -k config/default

##@ Tools

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN)
$(CONTROLLER_GEN):
	GOBIN=$(dir $(CONTROLLER_GEN)) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)

.PHONY: staticcheck
staticcheck: $(STATICCHECK)
$(STATICCHECK):
	GOBIN=$(dir $(STATICCHECK)) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# kwok, Kueue and golangci-lint with kube-api-linter: built from the Go module proxy at pinned versions and cached
# under $(LANGFLIX_CACHE)/tools by hack/build-tools.sh (a warm run takes well under a second).
.PHONY: tools
tools: ## Build (or find cached) kwok, the Kueue manager and golangci-lint with kube-api-linter.
	@hack/build-tools.sh all >/dev/null

.PHONY: kwok
kwok: ## Build (or find cached) kwok, the simulated nodes and pods of the scale tests.
	@hack/build-tools.sh kwok >/dev/null

.PHONY: kueue
kueue: ## Build (or find cached) the Kueue manager (run it with hack/kueue.sh start).
	@hack/build-tools.sh kueue >/dev/null

.PHONY: golangci-kal
golangci-kal: ## Build (or find cached) golangci-lint v2 with the kube-api-linter module plugin compiled in.
	@hack/build-tools.sh golangci-kal >/dev/null
