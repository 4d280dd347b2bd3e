# masa-docs — the two commands a new machine needs are `make publish` and `make test`.
# Everything else (virtual environment, Python packages, Debian packages) is installed on demand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONTENT ?= content
OUT     ?= build
PORT    ?= 8000
# Exact versions of every Python package, for reproducible installs (make lock refreshes it).
LOCK    := requirements.lock
LOWEST  := .venv-lowest
UV      := $(BIN)/uv

# Debian packages the renderers and the tests need (installed when run as root on Debian).
DEB_PACKAGES := libharfbuzz-subset0 poppler-utils fonts-liberation2 libreoffice-writer-nogui chromium

.PHONY: help setup publish serve test test-fast lint a11y bench mutation snapshots pictures clean system-deps lock floors

help: ## Show the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata or the lock file changes. The dependencies come
# from the lock file, exactly; then masa-docs itself, editable, without resolving again.
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv>=0.5'

lock: $(UV) ## Refresh requirements.lock: the newest versions pyproject.toml allows (then run make test)
	$(UV) pip compile --quiet --universal --python-version 3.11 --extra dev --extra a11y --no-annotate \
	  --custom-compile-command "make lock" \
	  --output-file $(LOCK) pyproject.toml

floors: $(UV) ## Check the lower bounds: the lowest versions pyproject.toml allows, then the tests
	rm -rf $(LOWEST)
	$(UV) venv --quiet --python $(BIN)/python $(LOWEST)
	$(UV) pip compile --quiet --resolution lowest-direct --python-version 3.11 --extra dev \
	  --output-file $(LOWEST)/requirements.txt pyproject.toml
	$(UV) pip install --quiet --python $(LOWEST)/bin/python -r $(LOWEST)/requirements.txt
	$(UV) pip install --quiet --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/python -m pytest -m "not client" -p no:cacheprovider

system-deps: ## Install the Debian packages (root only; a no-op when they are present)
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "warning: missing Debian packages:$$missing (install them with: sudo apt-get install$$missing)"; \
	fi

setup: $(VENV)/.installed system-deps ## Create .venv and install everything

publish: setup ## Build the documents of $(CONTENT)/ into $(OUT)/
	$(BIN)/masa-docs publish --content $(CONTENT) --out $(OUT)

serve: setup ## Preview and edit $(CONTENT)/ in the browser (http://127.0.0.1:$(PORT)/)
	$(BIN)/masa-docs serve --content $(CONTENT) --port $(PORT)

test: setup ## Run lint, type check and the whole test suite
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

test-fast: setup ## Tests without the slow and client ones
	$(BIN)/python -m pytest -m "not slow and not client"

lint: setup ## ruff and mypy
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

a11y: setup ## Publish and run the accessibility checks (axe, PDF/UA, Word)
	$(BIN)/masa-docs publish --content $(CONTENT) --out $(OUT) --a11y

bench: setup ## Time publish beside its renderers alone, re-publish, --help (ARGS=--large or BENCH_LARGE=1: a large partnership)
	$(BIN)/python -m masa_docs.bench --content $(CONTENT) $(ARGS)

# MODULE is one of src/masa_docs/markdown.py, deadlines.py, reporting.py, model/content.py.
MODULE ?= src/masa_docs/markdown.py
mutation: setup ## Mutation-test MODULE=src/masa_docs/<module>.py with its own tests (mutmut; slow)
	$(BIN)/python -m masa_docs.mutation $(MODULE)

pictures: publish ## PNGs of the first pages, sign-off and a chart page of every PDF and Word copy in $(OUT)/pictures/
	$(BIN)/python -m masa_docs.pictures --build $(OUT) --out $(OUT)/pictures

snapshots: setup ## Update snapshots (read the diff before committing!)
	$(BIN)/python -m pytest --snapshot-update

clean: ## Remove build output and caches
	rm -rf $(OUT) $(LOWEST) .pytest_cache .mypy_cache .ruff_cache
